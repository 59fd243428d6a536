import type { Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Images } from '../ports/schema.js';
import type { StoredImage } from './model.js';

function toImage(row: Selectable<Images>): StoredImage {
  return {
    id: row.id,
    keyPrefix: row.key_prefix,
    originalKey: row.original_key,
    originalFormat: row.original_format as StoredImage['originalFormat'],
    originalBytes: row.original_bytes,
    width: row.width,
    height: row.height,
    alt: row.alt,
    caption: row.caption,
    credit: row.credit,
    crop: row.crop as unknown as StoredImage['crop'],
    renditions: row.renditions as unknown as StoredImage['renditions'],
    uploadedBy: row.uploaded_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertImage(tx: Db | Tx, image: Omit<StoredImage, 'id'>): Promise<StoredImage> {
  const row = await tx
    .insertInto('images')
    .values({
      key_prefix: image.keyPrefix,
      original_key: image.originalKey,
      original_format: image.originalFormat,
      original_bytes: image.originalBytes,
      width: image.width,
      height: image.height,
      alt: image.alt,
      caption: image.caption,
      credit: image.credit,
      crop: JSON.stringify(image.crop),
      renditions: JSON.stringify(image.renditions),
      uploaded_by: image.uploadedBy,
      created_at: image.createdAt,
      updated_at: image.updatedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toImage(row);
}

/** The image, locked for the rest of the transaction (an edit reads, renders and writes it). */
export async function lockImage(tx: Tx, id: number): Promise<StoredImage | null> {
  const row = await tx.selectFrom('images').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toImage(row) : null;
}

export async function updateImage(
  tx: Tx,
  id: number,
  change: Pick<StoredImage, 'alt' | 'caption' | 'credit' | 'crop' | 'keyPrefix' | 'renditions' | 'updatedAt'>,
): Promise<StoredImage> {
  const row = await tx
    .updateTable('images')
    .set({
      alt: change.alt,
      caption: change.caption,
      credit: change.credit,
      crop: JSON.stringify(change.crop),
      key_prefix: change.keyPrefix,
      renditions: JSON.stringify(change.renditions),
      updated_at: change.updatedAt,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toImage(row);
}

export async function findImage(db: Db | Tx, id: number): Promise<StoredImage | null> {
  const row = await db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toImage(row) : null;
}

export async function findImages(db: Db, ids: readonly number[]): Promise<StoredImage[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('images')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toImage);
}

/** The library, newest first: `limit` images uploaded before `before` (a keyset cursor), on `images_created_idx`. */
export async function listImages(
  db: Db,
  options: { before?: { createdAt: Date; id: number } | undefined; limit: number },
): Promise<StoredImage[]> {
  let query = db.selectFrom('images').selectAll();
  const { before } = options;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
    );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toImage);
}
