import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { DEFAULT_COPY, type CopyKey, type CopyValues, type MessageDefinition } from './catalog.js';

/** A message that uses an undeclared variable, does not parse, or was rendered with a variable missing. */
export class CopyError extends Error {
  readonly code = 'copy-invalid';
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`copy "${key}": ${problem}`);
    this.name = 'CopyError';
  }
}

/** Names of every argument a parsed message uses, including inside plural/select branches and tags. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    if (element.type === TYPE.tag) {
      argumentsOf(element.children, into);
      continue;
    }
    into.add(element.value);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
  }
  return into;
}

/**
 * Checks one message: it must parse, use only its declared variables, and contain no `{{…}}`
 * (a placeholder written for another template language would otherwise reach readers).
 */
export function validateMessage(key: string, definition: MessageDefinition): MessageFormatElement[] {
  if (/\{\{\s*[\w.]*\s*\}\}/.test(definition.text)) throw new CopyError(key, 'double braces are not a placeholder here; use {name}');
  let elements: MessageFormatElement[];
  try {
    elements = parse(definition.text);
  } catch (error) {
    throw new CopyError(key, `does not parse: ${(error as Error).message}`);
  }
  for (const name of argumentsOf(elements)) {
    if (!definition.vars.includes(name)) {
      throw new CopyError(key, `uses unknown variable {${name}}; allowed: ${definition.vars.join(', ') || 'none'}`);
    }
  }
  return elements;
}

export interface Copy {
  /** Renders a message; every declared variable must be given. Returns plain text (escape it where it goes). */
  render<K extends CopyKey>(key: K, ...values: keyof CopyValues<K> extends never ? [] : [CopyValues<K>]): string;
}

/** Validates and compiles the catalog (with optional overrides of the texts); throws CopyError on the first bad message. */
export function loadCopy(overrides: Partial<Record<CopyKey, string>> = {}, locale = 'en-IN'): Copy {
  const compiled = new Map<string, { format: IntlMessageFormat; vars: readonly string[] }>();
  for (const [key, definition] of Object.entries(DEFAULT_COPY) as [CopyKey, MessageDefinition][]) {
    const text = overrides[key] ?? definition.text;
    const elements = validateMessage(key, { text, vars: definition.vars });
    compiled.set(key, { format: new IntlMessageFormat(elements, locale), vars: definition.vars });
  }
  for (const key of Object.keys(overrides)) {
    if (!compiled.has(key)) throw new CopyError(key, 'is not a known message');
  }
  return {
    render(key, ...rest) {
      const entry = compiled.get(key);
      if (!entry) throw new CopyError(key, 'is not a known message');
      // Typed callers fill every variable; a JavaScript caller or a cast may still pass null.
      const values = (rest[0] ?? {}) as Record<string, string | number | null | undefined>;
      for (const name of entry.vars) {
        if (values[name] == null) throw new CopyError(key, `variable {${name}} was not filled`);
      }
      return String(entry.format.format(values));
    },
  };
}
