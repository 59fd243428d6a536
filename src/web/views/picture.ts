import type { LeadImage } from '../../domain/content/model.js';
import { imageIdOf, type ImageView, type Rendition } from '../../domain/media/model.js';
import { html, type SafeHtml } from './html.js';

/** Where a rendition is served (see src/web/media/routes.ts). */
export const renditionUrl = (rendition: Pick<Rendition, 'key'>): string => `/media/${rendition.key}`;

const srcset = (renditions: readonly Rendition[]) =>
  renditions
    .toSorted((a, b) => a.width - b.width)
    .map((r) => `${renditionUrl(r)} ${r.width}w`)
    .join(', ');

/**
 * An uploaded image as a `<picture>`: AVIF, then WebP, for browsers that take them, and a JPEG `<img>` for every
 * other, each with all its widths so the browser picks by `sizes`; `width`/`height` reserve the crop's shape.
 */
export function picture(image: ImageView, options: { sizes: string; eager?: boolean }): SafeHtml {
  const of = (format: Rendition['format']) => image.renditions.filter((r) => r.format === format);
  const jpegs = of('jpeg').toSorted((a, b) => a.width - b.width);
  // The src for browsers that ignore srcset: a middle width.
  const fallback = jpegs.find((r) => r.width >= 960) ?? jpegs.at(-1);
  if (!fallback) return html``;
  return html`<picture><source type="image/avif" srcset="${srcset(of('avif'))}" sizes="${options.sizes}"><source type="image/webp" srcset="${srcset(of('webp'))}" sizes="${options.sizes}"><img src="${renditionUrl(fallback)}" srcset="${srcset(jpegs)}" sizes="${options.sizes}" alt="${image.alt}" width="${fallback.width}" height="${fallback.height}"${options.eager ? html` fetchpriority="high"` : html` loading="lazy"`} decoding="async"></picture>`;
}

/**
 * An article's lead image with its caption and credit. An uploaded image comes as a `<picture>`; an imported one
 * named by its address alone, as an `<img>` of that address. The site's default image (`standIn`) is never shown
 * here: a story without its own picture gets none rather than a decorative one (the default is for cards and
 * links shared elsewhere).
 */
export function leadFigure(lead: LeadImage | null): SafeHtml | '' {
  if (!lead || lead.standIn) return '';
  const { image } = lead;
  if (!image) {
    // An uploaded image that is no longer there shows nothing rather than a broken picture.
    if (imageIdOf(lead.url) !== null) return '';
    return html`<figure class="lead-image"><img src="${lead.url}" alt="${lead.alt}" decoding="async"></figure>`;
  }
  const caption = image.caption || image.credit;
  return html`<figure class="lead-image">${picture({ ...image, alt: lead.alt || image.alt }, { sizes: '(min-width: 760px) 720px, 100vw', eager: true })}${
    caption
      ? html`<figcaption>${image.caption ? html`<span class="caption">${image.caption}</span>` : ''}${image.credit ? html` <span class="credit">${image.credit}</span>` : ''}</figcaption>`
      : ''
  }</figure>`;
}

/** How large a card's picture is: `card` in a list (the default), `lead` in the wide slot at the top of a page. */
export type CardPictureSize = 'card' | 'lead';

const CARD_SIZES: Record<CardPictureSize, string> = {
  card: '(min-width: 760px) 320px, 100vw',
  lead: '(min-width: 1100px) 720px, (min-width: 760px) 62vw, 100vw',
};

/** The shape an imported address is shown in (4:3, the site's card ratio): its real size is not known. */
const ADDRESS_BOX = { width: 640, height: 480 } as const;

/**
 * A story card's image: the uploaded lead image (or the site's default standing in for a story without one) as a
 * `<picture>`, or an imported address as an `<img>` in a 4:3 box it fills (cut to fit), so nothing moves as it
 * loads. `size: 'lead'` is for the top story's wide slot: bigger sizes, loaded at once with high priority.
 */
export function cardPicture(lead: LeadImage | null, options: { size?: CardPictureSize } = {}): SafeHtml | '' {
  if (!lead) return '';
  const size = options.size ?? 'card';
  const eager = size === 'lead';
  const classes = size === 'lead' ? 'card-image card-image-lead' : 'card-image';
  if (lead.image) {
    // The default standing in says nothing about the story: decorative, so screen readers skip it on every card.
    const alt = lead.standIn ? '' : lead.alt || lead.image.alt;
    return html`<div class="${classes}">${picture({ ...lead.image, alt }, { sizes: CARD_SIZES[size], eager })}</div>`;
  }
  // An uploaded image that is no longer there shows nothing rather than a broken picture.
  if (imageIdOf(lead.url) !== null) return '';
  return html`<div class="${classes} card-image-address"><img src="${lead.url}" alt="${lead.alt}" width="${ADDRESS_BOX.width}" height="${ADDRESS_BOX.height}"${
    eager ? html` fetchpriority="high"` : html` loading="lazy"`
  } decoding="async"></div>`;
}
