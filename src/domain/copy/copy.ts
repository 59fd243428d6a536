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

/** Plain words for the ICU parser's error kinds. */
const SYNTAX_PROBLEMS: Record<string, string> = {
  EXPECT_ARGUMENT_CLOSING_BRACE: 'a { is not closed with }',
  EMPTY_ARGUMENT: 'there is an empty {}',
  MALFORMED_ARGUMENT: 'a {…} does not hold a variable name',
  INVALID_ARGUMENT_TYPE: 'a {name, type} has a type that is not plural, select, number, date or time',
  MISSING_OTHER_CLAUSE: 'a plural or select has no "other {…}" case',
  UNCLOSED_TAG: 'a <tag> is not closed',
};

/** Why a template cannot be used, in words for the person who typed it. */
export type TemplateProblem =
  | { kind: 'syntax'; message: string }
  | { kind: 'unknown-variable'; variable: string; message: string }
  | { kind: 'missing-variable'; variable: string; message: string };

/** The declared variable nearest to a mistyped one (case, underscores and one or two letters apart), or null. */
function nearest(name: string, vars: readonly string[]): string | null {
  const squash = (v: string) => v.toLowerCase().replace(/[^a-z0-9]/g, '');
  const exact = vars.find((v) => squash(v) === squash(name));
  if (exact) return exact;
  let best: { v: string; d: number } | null = null;
  for (const v of vars) {
    const d = distance(squash(name), squash(v));
    if (d <= 2 && (!best || d < best.d)) best = { v, d };
  }
  return best?.v ?? null;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, substitution);
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

const braces = (vars: readonly string[]) => vars.map((v) => `{${v}}`).join(', ');

/**
 * Checks a template for one message: it must parse, use only the message's declared variables, use every
 * variable it requires, and contain no `{{…}}` (a placeholder of another template language would otherwise
 * reach readers). Returns the parsed message, or the first problem, named for the person who typed it.
 */
export function checkTemplate(
  definition: MessageDefinition,
): { ok: true; elements: MessageFormatElement[] } | { ok: false; problem: TemplateProblem } {
  const { text, vars } = definition;
  const doubled = /\{\{\s*([\w.]*)\s*\}\}/.exec(text);
  if (doubled) {
    const name = doubled[1] ?? '';
    return { ok: false, problem: { kind: 'syntax', message: `{{${name}}} is not a placeholder here: write {${name}} with single braces` } };
  }
  let elements: MessageFormatElement[];
  try {
    elements = parse(text);
  } catch (error) {
    const kind = (error as Error).message;
    const at = (error as { location?: { start: { offset: number } } }).location?.start.offset;
    const where = at == null ? '' : ` (at character ${at + 1})`;
    return { ok: false, problem: { kind: 'syntax', message: `The template does not parse: ${SYNTAX_PROBLEMS[kind] ?? kind}${where}` } };
  }
  const used = argumentsOf(elements);
  for (const name of used) {
    if (vars.includes(name)) continue;
    const near = nearest(name, vars);
    const hint = near ? `use {${near}}` : vars.length ? `this message may use ${braces(vars)}` : 'this message takes no variables';
    return { ok: false, problem: { kind: 'unknown-variable', variable: name, message: `{${name}} is not a variable here: ${hint}` } };
  }
  for (const name of definition.required ?? []) {
    if (!used.has(name)) {
      return {
        ok: false,
        problem: { kind: 'missing-variable', variable: name, message: `{${name}} is missing: this message must say it` },
      };
    }
  }
  return { ok: true, elements };
}

/** Checks one message like `checkTemplate`, throwing CopyError on the first problem. */
export function validateMessage(key: string, definition: MessageDefinition): MessageFormatElement[] {
  const checked = checkTemplate(definition);
  if (!checked.ok) throw new CopyError(key, checked.problem.message);
  return checked.elements;
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
    const elements = validateMessage(key, { ...definition, text });
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

/** The copy every part of the app holds: `replace` swaps the texts underneath, so a saved template shows at once. */
export interface LiveCopy extends Copy {
  /** Validates and compiles the catalogue with these overrides; on a CopyError the copy in use stays. */
  replace(overrides: Partial<Record<CopyKey, string>>): void;
}

export function liveCopy(overrides: Partial<Record<CopyKey, string>> = {}, locale = 'en-IN'): LiveCopy {
  let current = loadCopy(overrides, locale);
  return {
    render: (key, ...values) => current.render(key, ...values),
    replace(next) {
      current = loadCopy(next, locale);
    },
  };
}
