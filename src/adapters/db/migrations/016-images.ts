/**
 * Images: each upload's original (kept private, to crop again) and its renditions (cut to one of the site's ratios,
 * made at several widths in AVIF, WebP and JPEG, stripped of metadata) in the files store, with what editors write
 * about it. Renditions live under `key_prefix`, which changes with the crop, so their addresses can be cached for
 * a year. The newsroom's library lists newest first, a page at a time.
 */
export default /* sql */ `
create table images (
  id serial primary key,
  key_prefix text not null,
  original_key text not null,
  original_format text not null check (original_format in ('jpeg', 'png', 'webp', 'avif', 'gif')),
  original_bytes integer not null check (original_bytes > 0),
  -- The picture as it shows (after its EXIF orientation).
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  alt text not null check (btrim(alt) <> ''),
  caption text not null default '',
  credit text not null default '',
  -- The editor's choice ({ ratio, focusX, focusY }) and the box of pixels it gave ({ left, top, width, height }).
  crop jsonb not null,
  -- [{ width, height, format, key, bytes }]
  renditions jsonb not null,
  uploaded_by integer references users (id) on delete set null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index images_created_idx on images (created_at desc, id desc);
`;
