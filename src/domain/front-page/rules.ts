/**
 * The front page's curation as lists of article ids, and the pure rules that change them. Glossary: the
 * *lead* is the story at the top of the home page; *picks* are the editor's picks, in the editor's order; a
 * *pin* holds a story at the top of its section (its block on the home page and its page), in order, above
 * the newest. Whether a reader sees a curated story is never decided here: only published stories whose time
 * has come are shown (see `listCuratedLive`).
 */

/** At most this many editor's picks (what the home page shows). */
export const PICK_LIMIT = 6;
/** At most this many pinned stories per section (a section's block on the home page shows four stories). */
export const PIN_LIMIT = 4;

export type ListChange = { kind: 'add'; id: number } | { kind: 'remove'; id: number } | { kind: 'move'; id: number; by: -1 | 1 };

/** A list after `change`, or why it cannot be made: adding a story twice or past `limit`; removing or moving one not there. */
export function changeList(
  list: readonly number[],
  change: ListChange,
  limit: number,
  words: { list: string; item: string },
): { ok: true; list: number[] } | { ok: false; message: string } {
  const at = list.indexOf(change.id);
  switch (change.kind) {
    case 'add':
      if (at >= 0) return { ok: false, message: `This story is already ${words.item}.` };
      if (list.length >= limit) return { ok: false, message: `${words.list} hold at most ${limit} stories: remove one first.` };
      return { ok: true, list: [...list, change.id] };
    case 'remove':
      if (at < 0) return { ok: false, message: `This story is not ${words.item}.` };
      return { ok: true, list: list.filter((id) => id !== change.id) };
    case 'move': {
      if (at < 0) return { ok: false, message: `This story is not ${words.item}.` };
      const to = at + change.by;
      if (to < 0 || to >= list.length) return { ok: true, list: [...list] };
      const next = [...list];
      [next[at], next[to]] = [next[to] as number, next[at] as number];
      return { ok: true, list: next };
    }
  }
}

/**
 * The picks after an import nominates stories (`editors_pick: true`): each nominated story not already a pick
 * goes in ahead of the first pick published before it (so fresh copy lands on top and the demo's picks read
 * newest first), and the list is cut to `PICK_LIMIT`, the oldest-placed falling off the end.
 */
export function mergeNominations(
  picks: readonly { id: number; publishedAt: Date | null }[],
  nominated: readonly { id: number; publishedAt: Date | null }[],
): number[] {
  const list = [...picks];
  const time = (at: Date | null) => at?.getTime() ?? Number.NEGATIVE_INFINITY;
  for (const story of nominated) {
    if (list.some((p) => p.id === story.id)) continue;
    const before = list.findIndex((p) => time(p.publishedAt) < time(story.publishedAt));
    list.splice(before < 0 ? list.length : before, 0, story);
  }
  return list.slice(0, PICK_LIMIT).map((p) => p.id);
}
