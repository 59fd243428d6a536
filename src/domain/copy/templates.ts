import { IntlMessageFormat } from 'intl-messageformat';
import { recordChange } from '../audit/audit.js';
import type { Db, Tx } from '../ports/database.js';
import { announceChange } from '../site/changes.js';
import { authorize, type Actor } from '../policies/policies.js';
import { DEFAULT_COPY, type CopyKey, type MessageDefinition } from './catalog.js';
import { checkTemplate, type TemplateProblem } from './copy.js';
import { deleteCopyOverride, findCopyOverride, listCopyOverrides, saveCopyOverride } from './override-queries.js';

/** Where a message is read, for the list on /admin/copy (by the first part of its key). */
export const COPY_GROUPS: Record<string, string> = {
  paywall: 'Paywall',
  meter: 'Meter countdown',
  article: 'Articles (wire disclaimer, partner credit)',
  premium: 'Premium today page',
  plans: 'Plans page',
  email: 'Emails',
  account: 'Account pages',
  site: 'Site',
};

export interface CopyTemplate {
  key: CopyKey;
  group: string;
  /** The text in use: the saved template, or the default. */
  text: string;
  defaultText: string;
  overridden: boolean;
  updatedAt: Date | null;
  vars: readonly string[];
  required: readonly string[];
}

export const isCopyKey = (key: string): key is CopyKey => Object.hasOwn(DEFAULT_COPY, key);

const definitionOf = (key: CopyKey): MessageDefinition => DEFAULT_COPY[key];

/** Values to preview a template with: every variable of the catalogue, filled with this publication's real figures. */
export type PreviewValues = Record<string, string | number>;

/** The saved templates, for loading the copy (`liveCopy().replace`) at start and on every refresh. */
export async function loadCopyOverrides(db: Db): Promise<Partial<Record<CopyKey, string>>> {
  const saved: Partial<Record<CopyKey, string>> = {};
  for (const [key, { text }] of await listCopyOverrides(db)) {
    // A template saved for a message a newer version no longer has, or that no longer passes its checks, is skipped.
    if (isCopyKey(key) && checkTemplate({ ...definitionOf(key), text }).ok) saved[key] = text;
  }
  return saved;
}

/** Every reader-facing message, with the text in use, grouped by where readers meet it. */
export async function listCopyTemplates(db: Db, actor: Actor): Promise<CopyTemplate[]> {
  authorize(actor, 'manageBusiness');
  const saved = await listCopyOverrides(db);
  return (Object.keys(DEFAULT_COPY) as CopyKey[]).map((key) => templateOf(key, saved.get(key) ?? null));
}

function templateOf(key: CopyKey, saved: { text: string; updatedAt: Date } | null): CopyTemplate {
  const definition = definitionOf(key);
  const prefix = key.split('.')[0] ?? '';
  return {
    key,
    group: COPY_GROUPS[prefix] ?? 'Other',
    text: saved?.text ?? definition.text,
    defaultText: definition.text,
    overridden: saved !== null,
    updatedAt: saved?.updatedAt ?? null,
    vars: definition.vars,
    required: definition.required ?? [],
  };
}

export async function findCopyTemplate(db: Db, actor: Actor, key: CopyKey): Promise<CopyTemplate> {
  authorize(actor, 'manageBusiness');
  return templateOf(key, (await listCopyOverrides(db)).get(key) ?? null);
}

export type TemplateOutcome = { ok: true; text: string } | { ok: false; problem: TemplateProblem };

/** A template rendered with real values, or why it cannot be used. Pure: nothing is saved. */
export function previewTemplate(actor: Actor, key: CopyKey, text: string, values: PreviewValues): TemplateOutcome {
  authorize(actor, 'manageBusiness');
  const definition = definitionOf(key);
  const checked = checkTemplate({ ...definition, text });
  if (!checked.ok) return checked;
  const filled = Object.fromEntries(definition.vars.map((name) => [name, values[name] ?? name]));
  return { ok: true, text: String(new IntlMessageFormat(checked.elements, 'en-IN').format(filled)) };
}

/** Records a change in the audit log and announces it (every instance reloads its copy on commit). */
async function changed(tx: Tx, actor: Actor, key: CopyKey, before: string | null, after: string | null, at: Date): Promise<void> {
  const side = (text: string | null) => (text === null ? null : { text });
  await recordChange(
    tx,
    { actor, area: 'copy', subject: key, action: after === null ? 'reset' : 'update', before: side(before), after: side(after) },
    at,
  );
  await announceChange(tx);
}

/** Saves a template over the default; refused, with nothing stored, when it does not pass the checks. */
export async function saveCopyTemplate(db: Db, actor: Actor, input: { key: CopyKey; text: string; now: Date }): Promise<TemplateOutcome> {
  authorize(actor, 'manageBusiness');
  const checked = checkTemplate({ ...definitionOf(input.key), text: input.text });
  if (!checked.ok) return checked;
  const by = actor.kind === 'user' ? actor.id : null;
  await db.transaction().execute(async (tx) => {
    const before = await findCopyOverride(tx, input.key);
    if (before === input.text) return;
    await saveCopyOverride(tx, input.key, input.text, input.now, by);
    await changed(tx, actor, input.key, before, input.text, input.now);
  });
  return { ok: true, text: input.text };
}

/** Goes back to the catalogue's default text. */
export async function resetCopyTemplate(db: Db, actor: Actor, key: CopyKey, now: Date): Promise<void> {
  authorize(actor, 'manageBusiness');
  await db.transaction().execute(async (tx) => {
    const before = await findCopyOverride(tx, key);
    if (before === null) return;
    await deleteCopyOverride(tx, key);
    await changed(tx, actor, key, before, null, now);
  });
}
