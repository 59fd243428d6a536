import { createHash, createVerify, type KeyObject } from 'node:crypto';

/** Relaxed header canonicalization (RFC 6376 §3.4.2): lower-case name, unfolded value, runs of space as one. */
function relaxedHeader(field: string): string {
  const colon = field.indexOf(':');
  const value = field
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${field.slice(0, colon).trim().toLowerCase()}:${value}`;
}

/** Relaxed body canonicalization (§3.4.4): spaces collapsed, none at line ends, no empty lines at the end. */
function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

/**
 * Verifies a received message's DKIM-Signature (rsa-sha256, relaxed/relaxed) against the signer's public key, as a
 * receiving server would after looking the key up in DNS: the body hash, then the signature over the signed headers.
 */
export function verifyDkim(raw: string, publicKey: KeyObject): { ok: boolean; reason: string } {
  const message = raw.replace(/\r?\n/g, '\r\n');
  const split = message.indexOf('\r\n\r\n');
  const fields = message.slice(0, split).split(/\r\n(?![ \t])/);
  const signature = fields.find((f) => /^dkim-signature:/i.test(f));
  if (!signature) return { ok: false, reason: 'no DKIM-Signature' };
  const tags = new Map(
    signature
      .slice(signature.indexOf(':') + 1)
      .split(';')
      .map((tag) => tag.replace(/\s+/g, ''))
      .filter(Boolean)
      .map((tag) => [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)] as const),
  );
  if (tags.get('a') !== 'rsa-sha256' || tags.get('c') !== 'relaxed/relaxed')
    return { ok: false, reason: `unexpected a=${tags.get('a')} c=${tags.get('c')}` };
  const bodyHash = createHash('sha256')
    .update(relaxedBody(message.slice(split + 4)))
    .digest('base64');
  if (bodyHash !== tags.get('bh')) return { ok: false, reason: 'body hash differs' };
  // Each name in h= takes the last field of that name not yet taken (§5.4.2).
  const unused = [...fields];
  const signed = (tags.get('h') ?? '').split(':').map((name) => {
    const index = unused.findLastIndex((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase() === name.toLowerCase());
    return index === -1 ? null : unused.splice(index, 1)[0]!;
  });
  const data =
    signed
      .filter((f): f is string => f !== null)
      .map((f) => `${relaxedHeader(f)}\r\n`)
      .join('') + relaxedHeader(signature.replace(/([;:]\s*b\s*=)[^;]*/i, '$1'));
  const ok = createVerify('RSA-SHA256')
    .update(data)
    .verify(publicKey, tags.get('b') ?? '', 'base64');
  return { ok, reason: ok ? 'verified' : 'signature does not verify' };
}
