import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { recordChange } from '../audit/audit.js';
import { announceChange } from '../site/changes.js';
import {
  findCuratedStories,
  lockCuration,
  readCurationIds,
  replacePins,
  replaceStories,
  searchPublished,
  type CuratedStory,
  type CurationIds,
} from './queries.js';
import { changeList, PICK_LIMIT, PIN_LIMIT, type ListChange } from './rules.js';

/** The front page as the newsroom sees it: every curated story, whatever its status now. */
export interface Curation {
  lead: CuratedStory | null;
  picks: CuratedStory[];
  /** Pinned stories by section slug, in order. */
  pins: Record<string, CuratedStory[]>;
}

/** What an editor does to the front page. Pins belong to the story's own section. */
export type CurationChange =
  | { kind: 'lead'; id: number }
  | { kind: 'clear-lead' }
  | { kind: 'pick'; change: ListChange }
  /** `section`: where the story is pinned, for a remove or move (its own section when adding). */
  | { kind: 'pin'; change: ListChange; section?: string | undefined };

export type CurationResult = { ok: true } | { ok: false; message: string };

export interface FrontPageService {
  curation(actor: Actor): Promise<Curation>;
  /** Published (or scheduled) articles whose headline contains `search`, newest first. */
  search(actor: Actor, search: string): Promise<CuratedStory[]>;
  change(actor: Actor, change: CurationChange): Promise<CurationResult>;
}

const SEARCH_LIMIT = 20;
const NOT_PUBLISHED = 'Only a published or scheduled story can go on the front page.';

/**
 * Curating the home page: its lead, the editor's picks and the stories pinned in each section (policy
 * `editContent` on every call). Changes are made one at a time under a lock, with their audit entry, announced
 * to other instances on commit; this process's caches are dropped after (`onChange`).
 */
export function createFrontPageService(deps: { db: Db; onChange: () => Promise<void> }): FrontPageService {
  const { db } = deps;

  async function curation(ids: CurationIds): Promise<Curation> {
    const all = [...(ids.lead === null ? [] : [ids.lead]), ...ids.picks, ...Object.values(ids.pins).flat()];
    const facts = await findCuratedStories(db, all);
    const stories = (list: number[]) => list.flatMap((id) => facts.get(id) ?? []);
    const pins: Record<string, CuratedStory[]> = {};
    for (const [section, list] of Object.entries(ids.pins)) pins[section] = stories(list);
    return { lead: ids.lead === null ? null : (facts.get(ids.lead) ?? null), picks: stories(ids.picks), pins };
  }

  return {
    async curation(actor) {
      authorize(actor, 'editContent');
      return curation(await readCurationIds(db));
    },
    async search(actor, search) {
      authorize(actor, 'editContent');
      return searchPublished(db, search, SEARCH_LIMIT);
    },
    async change(actor, change) {
      authorize(actor, 'editContent');
      const result = await db.transaction().execute(async (tx): Promise<CurationResult> => {
        await lockCuration(tx);
        const ids = await readCurationIds(tx);
        const adding =
          change.kind === 'lead' ? change.id : change.kind !== 'clear-lead' && change.change.kind === 'add' ? change.change.id : null;
        const story = adding === null ? null : ((await findCuratedStories(tx, [adding])).get(adding) ?? null);
        if (adding !== null && story?.status !== 'published') return { ok: false, message: NOT_PUBLISHED };
        const entry = { actor, area: 'front-page' } as const;
        // The log names stories by their slugs, as staff know them.
        const slugsOf = async (list: readonly number[]) => {
          const facts = await findCuratedStories(tx, list);
          return list.map((id) => facts.get(id)?.slug ?? `#${id}`);
        };
        switch (change.kind) {
          case 'lead':
          case 'clear-lead': {
            const lead = change.kind === 'lead' ? change.id : null;
            await replaceStories(tx, 'lead', lead === null ? [] : [lead]);
            const [before = null] = await slugsOf(ids.lead === null ? [] : [ids.lead]);
            const [after = null] = await slugsOf(lead === null ? [] : [lead]);
            await recordChange(tx, { ...entry, subject: 'lead', action: change.kind, before: { lead: before }, after: { lead: after } });
            break;
          }
          case 'pick': {
            const next = changeList(ids.picks, change.change, PICK_LIMIT, {
              list: "The editor's picks",
              item: "one of the editor's picks",
            });
            if (!next.ok) return next;
            await replaceStories(tx, 'pick', next.list);
            await recordChange(tx, {
              ...entry,
              subject: 'picks',
              action: change.change.kind,
              before: { picks: ids.picks },
              after: { picks: next.list },
            });
            break;
          }
          case 'pin': {
            // A story is pinned in its own section; one that moved since stays pinned where it was until removed.
            const id = change.change.id;
            const section =
              change.change.kind === 'add'
                ? story?.section
                : (change.section ?? Object.entries(ids.pins).find(([, list]) => list.includes(id))?.[0]);
            if (section === undefined) return { ok: false, message: 'This story is not pinned.' };
            const before = ids.pins[section] ?? [];
            const next = changeList(before, change.change, PIN_LIMIT, {
              list: 'Pinned stories of a section',
              item: 'pinned in its section',
            });
            if (!next.ok) return next;
            await replacePins(tx, section, next.list);
            await recordChange(tx, {
              ...entry,
              subject: `pins:${section}`,
              action: change.change.kind,
              before: { pins: before },
              after: { pins: next.list },
            });
            break;
          }
        }
        await announceChange(tx);
        return { ok: true };
      });
      if (result.ok) await deps.onChange();
      return result;
    },
  };
}
