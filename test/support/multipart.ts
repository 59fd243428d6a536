import { randomBytes } from 'node:crypto';

type Upload = { name: string; type: string; bytes: Buffer };

/** A multipart/form-data body as a browser sends it, with a file or several (each in a part named `file`). */
export function multipart(fields: Record<string, string>, file?: Upload | Upload[]) {
  const boundary = `----masthead${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  for (const upload of file === undefined ? [] : [file].flat()) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${upload.name}"\r\nContent-Type: ${upload.type}\r\n\r\n`,
      ),
      upload.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
