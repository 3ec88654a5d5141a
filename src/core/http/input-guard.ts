import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { AppError, CommonErrors, FieldError, validationFailed } from '../../common/errors/app-error';
import { TEXT_MESSAGES, TextProblem, textProblem } from '../../common/validation/text';

/**
 * Structural limits of a request body, checked once for every route right after the body parsers and
 * before any DTO transformation (class-transformer recurses, so an unchecked 3,000-level body
 * overflows its stack). The walk below is iterative: the check itself cannot overflow.
 * Documented in docs/security.md ("Bad input and outages").
 */
export const BODY_LIMITS = {
  /** Bytes of a JSON or form body (multipart uploads have their own limits). */
  maxBytes: 1024 * 1024,
  /** Nesting of objects and arrays; the deepest DTO needs 3. */
  maxDepth: 32,
  /** Elements of one array; the longest DTO list is 200 (skipped dates of a term pattern). */
  maxArrayLength: 1000,
  /** Keys of one object. */
  maxKeys: 200,
  /** Values in the whole body (objects, arrays and scalars). */
  maxNodes: 10_000,
} as const;

type StructureLimit = 'depth' | 'arrayLength' | 'keys' | 'nodes';

const MAX: Record<StructureLimit, number> = {
  depth: BODY_LIMITS.maxDepth,
  arrayLength: BODY_LIMITS.maxArrayLength,
  keys: BODY_LIMITS.maxKeys,
  nodes: BODY_LIMITS.maxNodes,
};
const TOO_MUCH: Record<StructureLimit, string> = {
  depth: `Слишком глубокая вложенность данных (не более ${BODY_LIMITS.maxDepth} уровней)`,
  arrayLength: `Слишком длинный список (не более ${BODY_LIMITS.maxArrayLength} элементов)`,
  keys: `Слишком много полей в объекте (не более ${BODY_LIMITS.maxKeys})`,
  nodes: `Слишком много значений в запросе (не более ${BODY_LIMITS.maxNodes})`,
};

/** 400 MALFORMED_REQUEST naming the limit the body broke and where. */
const tooComplex = (field: string, limit: StructureLimit): AppError =>
  CommonErrors.malformedRequest(TOO_MUCH[limit], { field: printableName(field), limit, max: MAX[limit] });

/** A field name as it can be shown back: its NULs and lone surrogates replaced by U+FFFD. */
export const printableName = (name: string): string => name.replace(/[\u0000\ud800-\udfff]/g, '\ufffd');

const fieldError = (field: string, code: TextProblem): FieldError => ({ field: printableName(field), code, message: TEXT_MESSAGES[code] });

/** A 400 VALIDATION_FAILED naming the field, in the ValidationPipe's `details` shape. */
export const badText = (field: string, code: TextProblem): AppError => validationFailed([fieldError(field, code)]);

/**
 * Walks a parsed body without recursion: depth, width and size limits, and every string (keys too)
 * free of NUL bytes and lone surrogates. Field names are dotted paths like the ValidationPipe's
 * (`grades.0.comment`). Throws the first problem found.
 */
export function checkBody(body: unknown): void {
  if (body === null || typeof body !== 'object') {
    if (typeof body === 'string') {
      const p = textProblem(body);
      if (p) throw badText('body', p);
    }
    return;
  }
  const stack: Array<[value: unknown, depth: number, path: string]> = [[body, 1, '']];
  let nodes = 0;
  while (stack.length > 0) {
    const [value, depth, path] = stack.pop()!;
    if (++nodes > BODY_LIMITS.maxNodes) throw tooComplex(path || 'body', 'nodes');
    if (typeof value === 'string') {
      const p = textProblem(value);
      if (p) throw badText(path || 'body', p);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > BODY_LIMITS.maxDepth) throw tooComplex(path || 'body', 'depth');
    const child = (key: string) => (path ? `${path}.${key}` : key);
    if (Array.isArray(value)) {
      if (value.length > BODY_LIMITS.maxArrayLength) throw tooComplex(path || 'body', 'arrayLength');
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], depth + 1, child(String(i))]);
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > BODY_LIMITS.maxKeys) throw tooComplex(path || 'body', 'keys');
    for (let i = keys.length - 1; i >= 0; i--) {
      const p = textProblem(keys[i]);
      if (p) throw badText(child(keys[i]), p);
      stack.push([(value as Record<string, unknown>)[keys[i]], depth + 1, child(keys[i])]);
    }
  }
}

/** Percent-decodes to bytes (a malformed escape stays as its characters); `plus` turns + into a space. */
function percentBytes(s: string, plus: boolean): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (plus && c === 0x2b) out.push(0x20);
    else if (c < 0x80) out.push(c);
    else out.push(...Buffer.from(s[i], 'utf8'));
  }
  return Buffer.from(out);
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The problem of one percent-encoded URL component once decoded: invalid UTF-8 or a NUL byte. */
function urlComponentProblem(raw: string, plus: boolean): TextProblem | null {
  if (!raw.includes('%')) return null;
  const bytes = percentBytes(raw, plus);
  if (bytes.includes(0)) return 'noNulBytes';
  // UTF-8 forbids encoded surrogates (ED A0 80 …), so this also catches lone surrogates
  if (!isUtf8(bytes)) return 'wellFormedUnicode';
  return null;
}

/**
 * The raw URL, before Express decodes it (its decoders silently turn invalid UTF-8 into U+FFFD):
 * every query parameter's name and value, and the path, must decode to well-formed text without NUL.
 * A query parameter is named in `details` by its name, the path as `path`.
 */
export function checkUrl(url: string): void {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const pathProblem = urlComponentProblem(path, false);
  if (pathProblem) throw badText('path', pathProblem);
  if (q === -1) return;
  for (const pair of url.slice(q + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const keyProblem = urlComponentProblem(rawKey, true);
    const name = keyProblem ? 'query' : safeDecode(rawKey.replace(/\+/g, ' '));
    if (keyProblem) throw badText(name, keyProblem);
    const valueProblem = urlComponentProblem(rawValue, true);
    if (valueProblem) throw badText(name, valueProblem);
  }
}

/** Middleware: refuses a URL with invalid text before routing. */
export function urlGuard(req: Request, _res: Response, next: NextFunction): void {
  try {
    checkUrl(req.originalUrl ?? req.url);
    next();
  } catch (e) {
    next(e);
  }
}

/** Middleware after the body parsers: the structural and text checks of the parsed body. */
export function bodyGuard(req: Request, _res: Response, next: NextFunction): void {
  try {
    if (req.body !== undefined) checkBody(req.body);
    next();
  } catch (e) {
    next(e);
  }
}

/** body-parser `verify`: the raw bytes of a text body must be UTF-8 (the parser would replace bad bytes with U+FFFD). */
export function verifyUtf8(_req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  if (!isUtf8(buf)) throw badText('body', 'wellFormedUnicode');
}
