import escapeHtml from 'escape-html';

/**
 * Highlighted snippets, built safely. The database marks matches with two control characters no article text can
 * hold (`cleanSearchText` and `plainText` remove them); the marked text is then HTML-escaped as a whole and only
 * then are the markers turned into `<mark>`: article text is never trusted as HTML.
 */
export const MARK_START = '\u0002';
export const MARK_STOP = '\u0003';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Marked text (markers from ts_headline) as escaped HTML with `<mark>` around each match; unpaired markers dropped. */
export function markedToHtml(marked: string): string {
  const parts = marked.split(MARK_START);
  let out = escapeHtml(stripMarkers(parts[0] ?? ''));
  for (const part of parts.slice(1)) {
    const stop = part.indexOf(MARK_STOP);
    if (stop < 0) out += escapeHtml(stripMarkers(part));
    else out += `<mark>${escapeHtml(part.slice(0, stop))}</mark>${escapeHtml(stripMarkers(part.slice(stop + 1)))}`;
  }
  return out;
}

function stripMarkers(text: string): string {
  return text.replaceAll(MARK_START, '').replaceAll(MARK_STOP, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Rendered article HTML (our own Markdown renderer's output) as plain text for snippets: tags become spaces,
 * entities their characters, control characters and runs of spaces one space.
 */
export function plainText(renderedHtml: string): string {
  return renderedHtml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name.toLowerCase()] ?? all;
    })
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A plain-text field (a headline, a standfirst) ready for ts_headline: control characters (our markers) as spaces. */
export function plainField(text: string): string {
  return text.replace(CONTROL, ' ');
}
