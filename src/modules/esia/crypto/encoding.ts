/**
 * base64url without `=` padding (RFC 4648 §5) — the form ilimurzin/esia sends as `client_secret`.
 * ESIA seemingly also accepts padded base64url and standard base64 (docs/esia.md "Strings signed").
 */
export function encodeBase64Url(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');
}

/**
 * Decodes a signature sent in any of the encodings ESIA clients use (docs/esia.md "Strings signed"):
 * base64url without padding, base64url with `=` padding, or standard base64 (`+`, `/`, with or
 * without padding). Surrounding whitespace is ignored. Returns `null` (never throws) for
 * anything malformed: characters outside both alphabets, a mix of `-`/`_` with `+`/`/`,
 * wrong padding, an impossible length, or empty input.
 *
 * Note: a form-decoder turns an un-escaped `+` into a space; that is the sender's bug and is
 * rejected here rather than guessed at.
 */
export function decodeFlexibleBase64(input: string): Buffer | null {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  const m = /^([A-Za-z0-9+/_-]*)(={0,2})$/.exec(s);
  if (!m) return null;
  const [, body, padding] = m;
  if (body.length === 0) return null;
  const urlAlphabet = /[-_]/.test(body);
  const stdAlphabet = /[+/]/.test(body);
  if (urlAlphabet && stdAlphabet) return null;
  if (body.length % 4 === 1) return null;
  if (padding.length > 0 && (body.length + padding.length) % 4 !== 0) return null;
  const decoded = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  // Reject non-canonical trailing bits (e.g. "AB" instead of "AA" for one byte): re-encode and compare.
  if (decoded.toString('base64').replace(/=+$/, '') !== body.replace(/-/g, '+').replace(/_/g, '/')) return null;
  return decoded;
}
