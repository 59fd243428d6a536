/**
 * Small helpers for the demo's drawings: every picture is drawn on a 1280 × 720 canvas (16:9, the site's lead
 * ratio) and scaled to the width asked for, so the drawing code never depends on the output size.
 */

export const CANVAS = { width: 1280, height: 720 } as const;

/**
 * Fonts the system has (sharp's librsvg finds them through fontconfig; nothing is fetched from the network).
 * DejaVu and Liberation ship with most Linux systems, the others with macOS and Windows.
 */
export const FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', 'Noto Sans', Arial, Helvetica, sans-serif";

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an SVG text node or attribute. */
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A whole SVG document of the canvas, drawn `width` pixels wide. */
export function svgDocument(width: number, body: string): string {
  const height = Math.round((width * CANVAS.height) / CANVAS.width);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${CANVAS.width} ${CANVAS.height}">${body}</svg>`;
}

/** A number with at most `decimals` places, for coordinates. */
export const n = (value: number, decimals = 1): string => String(Math.round(value * 10 ** decimals) / 10 ** decimals);

/** Each section's colours: a ground, two mid tones and an accent, so pictures of one section look related. */
export const SECTION_PALETTES: Record<string, readonly [string, string, string, string]> = {
  markets: ['#0f2a43', '#1d5c8c', '#4f9bd1', '#f2b441'],
  economy: ['#233d2b', '#3f7a4f', '#8cc084', '#f4d35e'],
  companies: ['#2b2d42', '#5c6784', '#a9b4c2', '#ef8354'],
  politics: ['#3d0c11', '#8c1c13', '#d9a384', '#f3e9dc'],
  world: ['#0b3c49', '#1f7a8c', '#8fc9c8', '#f6ae2d'],
  technology: ['#1b1b3a', '#693668', '#a74482', '#f84aa7'],
  opinion: ['#3a2e39', '#8e6c88', '#e0c1b3', '#f6e27f'],
  'markets-insight': ['#1a1423', '#3d315b', '#708b75', '#d4af37'],
  masthead: ['#101820', '#1d3a5f', '#9fb6cd', '#c8102e'],
};

/** A number from a text (FNV-1a), the same on every run: picks variants and seeds drawings. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
