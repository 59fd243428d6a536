import type { ImageView, StoredImage } from '../../domain/media/model.js';
import { imageView } from '../../domain/media/model.js';
import { RATIO_NAMES, UPLOAD_LIMITS } from '../../domain/media/rules.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { picture } from '../views/picture.js';
import { adminLayout } from './admin-layout.js';

/** The newsroom's image pages: the library with its upload form, and an image's editor. */

const RATIO_LABEL: Record<string, string> = { '16:9': '16:9 (a story’s lead)', '4:3': '4:3', '1:1': '1:1 (square)' };

function errorOf(form: FormState, name: string): SafeHtml | '' {
  const error = form.errors[name];
  return error ? html`<p class="field-error" id="image-${name}-error">${error}</p>` : '';
}

const described = (form: FormState, name: string): SafeHtml | '' =>
  form.errors[name] ? html` aria-describedby="image-${name}-error" aria-invalid="true"` : '';

/** Alt text, caption, credit, the ratio and the focal point: the fields the upload and the editor share. */
function imageFields(form: FormState): SafeHtml {
  const ratio = form.values.ratio || '16:9';
  const percent = (name: 'focusX' | 'focusY', label: string) =>
    html`<div class="field${form.errors[name] ? ' has-error' : ''}"><label for="image-${name}">${label}</label>${errorOf(form, name)}
<input id="image-${name}" name="${name}" type="number" min="0" max="100" step="1" value="${form.values[name] ?? '50'}"${described(form, name)}></div>`;
  return html`${input({ form, name: 'alt', label: 'Alt text (required)', id: 'image-alt', maxlength: UPLOAD_LIMITS.alt, hint: 'What the image shows, for readers who cannot see it.' })}
${input({ form, name: 'caption', label: 'Caption', id: 'image-caption', maxlength: UPLOAD_LIMITS.caption })}
${input({ form, name: 'credit', label: 'Credit', id: 'image-credit', maxlength: UPLOAD_LIMITS.credit, hint: 'Photographer or agency, e.g. “Photo: A. Lens / Agency”.' })}
<div class="field${form.errors.ratio ? ' has-error' : ''}"><label for="image-ratio">Crop</label>${errorOf(form, 'ratio')}
<select id="image-ratio" name="ratio">${RATIO_NAMES.map((r) => html`<option value="${r}"${r === ratio ? ' selected' : ''}>${RATIO_LABEL[r] ?? r}</option>`)}</select></div>
<p class="hint">The crop keeps the focal point in its middle as far as the picture allows: 50 and 50 is a centred crop.</p>
${percent('focusX', 'Focal point across (percent from the left)')}
${percent('focusY', 'Focal point down (percent from the top)')}`;
}

export interface ImageLibraryInput {
  images: StoredImage[];
  older: string | null;
  form: FormState;
  csrf: string;
  notice?: string | undefined;
  timeZone: string;
}

/** The library, newest first, under the upload form. */
export function imageLibraryPage(chrome: PageChrome, input: ImageLibraryInput): string {
  const { form } = input;
  const main = html`<h1>Images</h1>${notice(input.notice)}
<h2>Upload an image</h2>${formMessage(form)}
<form method="post" action="/admin/images" enctype="multipart/form-data" class="account-form image-form">${csrfField(input.csrf)}
<div class="field${form.errors.file ? ' has-error' : ''}"><label for="image-file">Image</label>
<p class="hint">JPEG, PNG, WebP, AVIF or GIF, up to ${UPLOAD_LIMITS.bytes / (1024 * 1024)} MB and ${UPLOAD_LIMITS.pixels / 1e6} megapixels. Location and camera details are removed.</p>${errorOf(form, 'file')}
<input id="image-file" name="file" type="file" accept="image/jpeg,image/png,image/webp,image/avif,image/gif"${described(form, 'file')}></div>
${imageFields(form)}
<p class="actions"><button type="submit" class="button">Upload</button></p>
</form>
<h2>Library</h2>
${
  input.images.length === 0
    ? html`<p>No images yet.</p>`
    : html`<ul class="image-library">${input.images.map((image) => libraryItem(image, input.timeZone))}</ul>`
}
${input.older ? html`<p><a href="/admin/images?before=${input.older}">Older images</a></p>` : ''}`;
  return adminLayout(chrome, 'Images', main);
}

function libraryItem(image: StoredImage, timeZone: string): SafeHtml {
  return html`<li data-image-id="${image.id}">${picture(imageView(image), { sizes: '160px' })}
<p><strong>Image ${image.id}</strong> · ${image.crop.ratio} · ${image.width} × ${image.height} · ${formatDateTime(image.createdAt, timeZone)}</p>
<p>${image.alt}</p>${image.caption ? html`<p class="caption">${image.caption}</p>` : ''}${image.credit ? html`<p class="credit">${image.credit}</p>` : ''}
<p><a href="/admin/images/${image.id}/edit">Edit</a></p></li>`;
}

export interface ImageEditInput {
  image: StoredImage;
  form: FormState;
  csrf: string;
  notice?: string | undefined;
}

/** One image: its current crop as readers see it, and its words and crop to change. */
export function imageEditPage(chrome: PageChrome, input: ImageEditInput): string {
  const { image, form } = input;
  const main = html`<p><a href="/admin/images">All images</a></p>
<h1>Image ${image.id}</h1>${notice(input.notice)}
<figure class="lead-image">${picture(imageView(image), { sizes: '(min-width: 760px) 720px, 100vw' })}</figure>
<p>Uploaded ${image.width} × ${image.height} pixels; shown cut to ${image.crop.box.width} × ${image.crop.box.height} (${image.crop.ratio}), at widths ${[
    ...new Set(image.renditions.map((r) => r.width)),
  ].join(', ')}.</p>
<p>To use it as an article’s lead image, enter <strong>${image.id}</strong> as the article’s lead image. As a logo, favicon or author’s photo, its address is <code>/media/image/${image.id}</code> (choose the 1:1 crop for a favicon or a photo).</p>
${formMessage(form)}
<form method="post" action="/admin/images/${image.id}/edit" class="account-form image-form">${csrfField(input.csrf)}
${imageFields(form)}
<p class="actions"><button type="submit" class="button">Save</button></p>
</form>`;
  return adminLayout(chrome, `Image ${image.id}`, main);
}

/** The form filled with an image as stored. */
export function imageForm(image: StoredImage): FormState {
  return {
    values: {
      alt: image.alt,
      caption: image.caption,
      credit: image.credit,
      ratio: image.crop.ratio,
      focusX: String(image.crop.focusX),
      focusY: String(image.crop.focusY),
    },
    errors: {},
  };
}

/** The chosen lead image in the article editor: the picture, with the caption and credit it will show under it. */
export function chosenLeadImage(image: ImageView | null): SafeHtml | '' {
  if (!image) return '';
  return html`<div class="chosen-image">${picture(image, { sizes: '240px' })}<p>${image.caption}${image.credit ? html` <span class="credit">${image.credit}</span>` : ''}</p><p class="hint">Alt text: ${image.alt} · <a href="/admin/images/${image.id}/edit">Edit the image</a></p></div>`;
}
