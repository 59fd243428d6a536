import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { UPLOAD_LIMITS } from '../../domain/media/rules.js';
import { HttpProblem } from './errors.js';

/** An image upload's file part as read by `acceptImageUploads`: its bytes, or none and `truncated` past the limit. */
export interface UploadedFile {
  bytes: Buffer;
  truncated: boolean;
  /** The file's name as the browser sent it ('' when none). */
  name?: string;
}

const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).bytes);

/** The `file` field of a body `acceptImageUploads` read; anything else in it (text, JSON) reads as no file. */
export function uploadedFile(body: unknown): UploadedFile | null {
  const file = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).file : undefined;
  return isUploadedFile(file) ? file : null;
}

/** Every file of the field `name` of a body `acceptImageUploads` read, in the order sent. */
export function uploadedFiles(body: unknown, name = 'file'): UploadedFile[] {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return [value].flat().filter(isUploadedFile);
}

/**
 * Makes a scope read `multipart/form-data` with one image file and at most `fields` fields into `request.body`
 * (text, a field sent twice as a list), before validation. The file part is read whole up to the size limit; a
 * larger one is cut there and marked, so the answer can say so beside the field, with everything else sent kept.
 * Over the limits of parts, the plugin answers 413; a body that is not well-formed multipart is 400.
 * Register it in the scope of the upload routes only. `fileSize`: another limit than an image's (a file of codes);
 * `files`: more than one file part (an e-paper edition sent one PDF per page), read as a list under its field name.
 */
export async function acceptImageUploads(
  scope: FastifyInstance,
  fields: number,
  fileSize: number = UPLOAD_LIMITS.bytes,
  files = 1,
): Promise<void> {
  await scope.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize, files, fields, fieldSize: 8 * 1024, parts: fields + files + 1 },
  });
  scope.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    const body = new Map<string, unknown>();
    const add = (name: string, value: unknown) => {
      const before = body.get(name);
      body.set(name, before === undefined ? value : [before, value].flat());
    };
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          add(part.fieldname, part.value);
          continue;
        }
        const bytes = await part.toBuffer();
        const truncated = part.file.truncated;
        add(part.fieldname, { bytes: truncated ? Buffer.alloc(0) : bytes, truncated, name: part.filename } satisfies UploadedFile);
      }
    } catch (error) {
      // The plugin's own errors carry their status (limits, field names); the parser's (a cut or garbled body) do not.
      if (typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
      throw new HttpProblem('bad-request', 'The form could not be read: it is not well-formed multipart/form-data.');
    }
    request.body = Object.fromEntries(body);
  });
}
