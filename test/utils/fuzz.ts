import { Agent, request as httpRequest } from 'node:http';

/**
 * Building blocks of the OpenAPI fuzz test (test/e2e/fuzz.e2e-spec.ts): a raw HTTP client that can
 * send bytes supertest would refuse (invalid UTF-8, broken multipart), the catalogues of bad inputs,
 * and a generator of valid values from the document's schemas. Everything is deterministic.
 */

// ---- a seeded PRNG (mulberry32): the same run sends the same bytes ---------------------------------

export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic string of mixed scripts, punctuation, control and combining characters. */
export function junk(rand: () => number, length: number): string {
  const pools = ['abcXYZ019', 'абвЁё', ' \t\r\n', '\'"`\\%_;--/*', '\u0301\u200b\u202e\ufeff', '漢字😀', '<>&{}[]$'];
  let s = '';
  while (s.length < length) {
    const pool = pools[Math.floor(rand() * pools.length)];
    s += [...pool][Math.floor(rand() * [...pool].length)];
  }
  return s;
}

// ---- raw HTTP ------------------------------------------------------------------------------------------

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * One request with the path and body exactly as given (percent-escapes are not re-encoded, bodies are
 * raw bytes). An event stream is closed as soon as its headers arrive.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
  timeoutMs = 15_000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) });
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function closeAgent(): void {
  agent.destroy();
}

// ---- OpenAPI shapes ----------------------------------------------------------------------------------

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  /** The request body's media type and schema, if any. */
  body?: { type: string; schema: Schema };
  public: boolean;
}

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: unknown[] }>
  >;
  components: { schemas: Record<string, Schema> };
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const type = Object.keys(content)[0];
      ops.push({
        method: method.toUpperCase(),
        path,
        // the SSE route documents Last-Event-ID twice (two spellings): one is enough
        parameters: (op.parameters ?? []).filter(
          (p, i, all) => all.findIndex((q) => q.in === p.in && q.name.toLowerCase() === p.name.toLowerCase()) === i,
        ),
        body: type ? { type, schema: content[type].schema } : undefined,
        public: !op.security,
      });
    }
  }
  return ops;
}

export function resolve(doc: OpenApiDoc, s: Schema | undefined): Schema {
  let cur = s ?? {};
  for (let i = 0; i < 10; i++) {
    if (cur.$ref) cur = { ...doc.components.schemas[cur.$ref.replace('#/components/schemas/', '')], ...withoutRef(cur) };
    else if (cur.allOf?.length === 1) cur = { ...resolve(doc, cur.allOf[0]), ...withoutKey(cur, 'allOf') };
    else return cur;
  }
  return cur;
}

const withoutRef = (s: Schema): Schema => withoutKey(s, '$ref');
function withoutKey(s: Schema, key: keyof Schema): Schema {
  const copy = { ...s };
  delete copy[key];
  return copy;
}

// ---- valid values ------------------------------------------------------------------------------------

const DATE_NAMES = /^(date|dueDate|from|to|startsOn|endsOn|birthDate)$/;
const TIME_NAMES: Record<string, string> = { startTime: '09:00', endTime: '09:45' };

/** A value the schema accepts, with real ids from `ids` (by property name) where the name says which. */
export function validValue(doc: OpenApiDoc, name: string, schema: Schema | undefined, ids: Record<string, string>): unknown {
  const s = resolve(doc, schema);
  if (s.oneOf?.length) return s.example ?? validValue(doc, name, s.oneOf[0], ids);
  if (s.enum?.length) return s.default !== undefined && s.enum.includes(s.default) ? s.default : s.enum[0];
  if (s.format === 'uuid' || (s.type === 'string' && /Id$/.test(name))) return ids[name] ?? ids.default;
  if (s.example !== undefined && !(Array.isArray(s.example) && s.type !== 'array')) return s.example;
  switch (s.type) {
    case 'integer':
    case 'number':
      return s.default ?? s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array': {
      const idsOfItems = /(memberIds|userIds|childIds)$/.test(name) ? { ...ids, [name]: ids.userId } : ids;
      return [validValue(doc, name.replace(/s$/, ''), s.items, idsOfItems)];
    }
    case 'object':
    case undefined:
      if (s.properties) return validObject(doc, s, ids);
      return {};
    default:
      if (s.format === 'date' || DATE_NAMES.test(name)) return '2026-11-23';
      if (s.format === 'date-time') return '2026-11-23T10:00:00+03:00';
      if (TIME_NAMES[name]) return TIME_NAMES[name];
      if (name === 'password' || /Password$/.test(name)) return 'Fuzz-pass-2026';
      if (name === 'login') return 'fuzz.login';
      return 'Тест';
  }
}

/** Only the required properties: the smallest body that can pass validation. */
export function validObject(doc: OpenApiDoc, schema: Schema, ids: Record<string, string>): Record<string, unknown> {
  const s = resolve(doc, schema);
  const out: Record<string, unknown> = {};
  for (const key of s.required ?? []) out[key] = validValue(doc, key, s.properties?.[key], ids);
  return out;
}

/** Every field of a body schema (path and schema), one level into nested objects and array items. */
export function fieldPaths(
  doc: OpenApiDoc,
  schema: Schema,
  prefix: Array<string | number> = [],
  depth = 0,
): Array<{ path: Array<string | number>; schema: Schema }> {
  const s = resolve(doc, schema);
  const out: Array<{ path: Array<string | number>; schema: Schema }> = [];
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const path = [...prefix, key];
    out.push({ path, schema: prop });
    if (depth > 0) continue;
    const p = resolve(doc, prop);
    if (p.type === 'array' && resolve(doc, p.items).properties) out.push(...fieldPaths(doc, p.items!, [...path, 0], depth + 1));
    else if (p.properties) out.push(...fieldPaths(doc, p, path, depth + 1));
  }
  return out;
}

/** Variations of a valid value that keep its shape but push its digits to the extremes (dates, weeks, cursors, ids). */
export function digitMutations(valid: unknown): Array<[label: string, value: string]> {
  if (typeof valid !== 'string' && typeof valid !== 'number') return [];
  const v = String(valid);
  if (!/\d/.test(v)) return [];
  return [
    ['valid value, digits 0', v.replace(/\d/g, '0')],
    ['valid value, digits 9', v.replace(/\d/g, '9')],
    ['valid value, digits doubled', v.replace(/\d+/g, (d) => d + d)],
  ];
}

/** The minimal valid body with the value at `path` replaced (parents created from the schema). */
export function withField(
  doc: OpenApiDoc,
  schema: Schema,
  ids: Record<string, string>,
  path: Array<string | number>,
  value: unknown,
): unknown {
  const root = validObject(doc, schema, ids) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = root;
  let s = resolve(doc, schema);
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const childSchema = typeof key === 'number' ? resolve(doc, s.items) : resolve(doc, s.properties?.[key]);
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') {
      node[key] =
        childSchema.type === 'array' ? [validObject(doc, resolve(doc, childSchema.items), ids)] : validObject(doc, childSchema, ids);
    }
    node = node[key] as Record<string | number, unknown>;
    s = childSchema;
  }
  node[path[path.length - 1]] = value;
  return root;
}

// ---- bad inputs ----------------------------------------------------------------------------------------

/** Deeply nested JSON as text (JSON.stringify itself would overflow building it). */
export const deepObject = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
export const deepArray = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

/** Whether a parameter or field takes numbers (by schema, or by a valid value made of digits: ids, cursors, years). */
export function numeric(schema: Schema, valid: unknown): boolean {
  return (
    ['integer', 'number'].includes(schema.type ?? '') ||
    !!schema.oneOf?.some((s) => ['integer', 'number'].includes(s.type ?? '')) ||
    typeof valid === 'number' ||
    (typeof valid === 'string' && /^\d+$/.test(valid))
  );
}

/**
 * Values for one JSON body field: wrong types, nulls, NUL bytes, lone surrogates, extremes (all the
 * numeric extremes only where the field takes numbers; elsewhere one number is enough to probe the type).
 */
export function badJsonValues(rand: () => number, takesNumbers: boolean): Array<[label: string, value: unknown]> {
  const numbers: Array<[string, unknown]> = takesNumbers
    ? [
        ['1e308', 1e308],
        ['-1e308', -1e308],
        ['-1', -1],
        ['1.5', 1.5],
        ['2^63', 2 ** 63],
        ['string 2^63', '9223372036854775808'],
        ['string 1e308', '1e308'],
      ]
    : [['1e308', 1e308]];
  return [
    ['null', null],
    ['NUL byte', 'a\u0000b'],
    ['lone surrogate', 'x\ud800y'],
    ['lone low surrogate', '\udc00'],
    ['long string', 'я'.repeat(20_000)],
    ['empty string', ''],
    ['junk', junk(rand, 40)],
    ...numbers,
    ['true', true],
    ['object', { a: 1 }],
    ['array', [1, 'a', null]],
  ];
}

/** Query-string fragments (already percent-encoded) that set one parameter to something bad. */
export function badQueryValues(rand: () => number, takesNumbers: boolean): Array<[label: string, fragment: (name: string) => string]> {
  const v = (raw: string) => (name: string) => `${name}=${raw}`;
  const numbers: Array<[string, (name: string) => string]> = takesNumbers
    ? [
        ['1e308', v('1e308')],
        ['-1', v('-1')],
        ['NaN', v('NaN')],
        ['1e3', v('1e3')],
        ['0x10', v('0x10')],
        ['1.5', v('1.5')],
        ['huge integer', v('99999999999999999999999999')],
        ['2^63', v('9223372036854775808')],
        ['20 digits', v('99999999999999999999')],
      ]
    : [['1e308', v('1e308')]];
  return [
    ...numbers,
    ['empty', v('')],
    ['NUL byte', v('a%00b')],
    ['invalid UTF-8', v('%FF%FE')],
    ['encoded lone surrogate', v('%ED%A0%80')],
    ['long', v('x'.repeat(6000))],
    ['junk', v(encodeURIComponent(junk(rand, 30)))],
    ['year 0', v('0000-01-01')],
    ['Feb 30', v('2026-02-30')],
    ['repeated', (name) => `${name}=1&${name}=2`],
    ['bracket object', (name) => `${name}[a]=1`],
  ];
}

export function badPathValues(): Array<[label: string, raw: string]> {
  return [
    ['NUL byte', 'a%00b'],
    ['invalid UTF-8', '%FF'],
    ['encoded lone surrogate', '%ED%A0%80'],
    ['1e308', '1e308'],
    ['-1', '-1'],
    ['2^63', '9223372036854775808'],
    ['long', 'x'.repeat(3000)],
    ['nil uuid', '00000000-0000-0000-0000-000000000000'],
    ['uuid with suffix', '00000000-0000-4000-8000-000000000000%00'],
  ];
}

export function badHeaderValues(): Array<[label: string, raw: string]> {
  return [
    ['latin1 bytes', '\u00ff\u00fe\u00e9'],
    ['long', 'k'.repeat(6000)],
    ['1e308', '1e308'],
    ['-1', '-1'],
    ['2^63', '9223372036854775808'],
    ['spaces only', '   '],
  ];
}

/** Whole bodies that break the parser or the shape: depth, width, encoding, type. */
export function badBodies(): Array<[label: string, contentType: string, body: Buffer]> {
  const json = 'application/json';
  return [
    ['nested 3000 objects', json, Buffer.from(deepObject(3000))],
    ['nested 5000 arrays', json, Buffer.from(deepArray(5000))],
    ['nested 40 objects', json, Buffer.from(deepObject(40))],
    ['top-level array', json, Buffer.from('[1,2,3]')],
    ['top-level string', json, Buffer.from('"x"')],
    ['top-level null', json, Buffer.from('null')],
    ['invalid JSON', json, Buffer.from('{"a":')],
    ['invalid UTF-8', json, Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])],
    ['escaped NUL key', json, Buffer.from('{"a\\u0000":1}')],
    ['20k element array', json, Buffer.from(`{"a":[${'0,'.repeat(19_999)}0]}`)],
    ['20k keys', json, Buffer.from(`{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":0`).join(',')}}`)],
    ['__proto__ key', json, Buffer.from('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}')],
    ['text/plain', 'text/plain', Buffer.from('hello')],
    ['form-urlencoded', 'application/x-www-form-urlencoded', Buffer.from('a=1&a[b]=2')],
  ];
}

// ---- multipart -----------------------------------------------------------------------------------------

export interface Part {
  name?: string | Buffer;
  filename?: string | Buffer;
  contentType?: string;
  data: string | Buffer;
  /** Extra raw header lines. */
  headers?: string[];
}

const CRLF = '\r\n';
const asBuf = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

export function multipart(boundary: string, parts: Part[], o: { close?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let disp = Buffer.from('Content-Disposition: form-data');
    if (p.name !== undefined) disp = Buffer.concat([disp, Buffer.from('; name="'), asBuf(p.name), Buffer.from('"')]);
    if (p.filename !== undefined) disp = Buffer.concat([disp, Buffer.from('; filename="'), asBuf(p.filename), Buffer.from('"')]);
    chunks.push(Buffer.from(`--${boundary}${CRLF}`), disp, Buffer.from(CRLF));
    if (p.contentType) chunks.push(Buffer.from(`Content-Type: ${p.contentType}${CRLF}`));
    for (const h of p.headers ?? []) chunks.push(Buffer.from(h + CRLF));
    chunks.push(Buffer.from(CRLF), asBuf(p.data), Buffer.from(CRLF));
  }
  if (o.close !== false) chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

/**
 * Broken multipart bodies for an upload route whose file field is `fileField` and whose text fields
 * are `textFields` (may be empty). Each gives its own Content-Type.
 */
export function badMultiparts(
  fileField: string,
  textFields: string[],
  validFile: { name: string; type: string; data: Buffer },
  maxFileBytes: number,
): Array<[label: string, contentType: string, body: Buffer]> {
  const b = 'fuzzBoundary7MA4YWxkTrZu0gW';
  const ct = `multipart/form-data; boundary=${b}`;
  const file: Part = { name: fileField, filename: validFile.name, contentType: validFile.type, data: validFile.data };
  const text = textFields[0];
  const withText = (data: string | Buffer, name: string | Buffer = text ?? 'text'): Part => ({ name, data });
  const truncated = multipart(b, [file], { close: false });
  return [
    ['part without a name', ct, multipart(b, [{ filename: validFile.name, contentType: validFile.type, data: validFile.data }])],
    ['text part without a name', ct, multipart(b, [{ data: 'x' }])],
    ['part without Content-Disposition', ct, Buffer.from(`--${b}${CRLF}Content-Type: text/plain${CRLF}${CRLF}x${CRLF}--${b}--${CRLF}`)],
    ['truncated body', ct, truncated.subarray(0, truncated.length - 10)],
    ['no closing boundary', ct, truncated],
    ['wrong boundary', `multipart/form-data; boundary=other${b}`, multipart(b, [file])],
    ['no boundary parameter', 'multipart/form-data', multipart(b, [file])],
    ['empty body', ct, Buffer.alloc(0)],
    ['only the closing boundary', ct, Buffer.from(`--${b}--${CRLF}`)],
    [
      'malformed part header',
      ct,
      Buffer.from(
        `--${b}${CRLF}Content-Disposition: form-data; name="${fileField}"; filename="a.txt"${CRLF}Bad Header Without Colon${CRLF}${CRLF}x${CRLF}--${b}--${CRLF}`,
      ),
    ],
    [
      '300 text parts',
      ct,
      multipart(
        b,
        Array.from({ length: 300 }, (_, i) => withText(`v${i}`, `f${i}`)),
      ),
    ],
    [
      '30 files',
      ct,
      multipart(
        b,
        Array.from({ length: 30 }, () => file),
      ),
    ],
    ['file in an unknown field', ct, multipart(b, [{ ...file, name: 'other' }])],
    ['file too large', ct, multipart(b, [{ ...file, data: Buffer.concat([validFile.data, Buffer.alloc(maxFileBytes + 1024, 0x20)]) }])],
    ['NUL byte in a text field', ct, multipart(b, [file, withText('a\u0000b')])],
    ['invalid UTF-8 in a text field', ct, multipart(b, [file, withText(Buffer.from([0x61, 0xff, 0xfe, 0x62]))])],
    ['huge text field', ct, multipart(b, [file, withText('x'.repeat(200_000))])],
    ['repeated text field', ct, multipart(b, [file, withText('a'), withText('b')])],
    ['bracket text field', ct, multipart(b, [file, withText('a', `${text ?? 'text'}[x][y]`)])],
    ['__proto__ field', ct, multipart(b, [file, withText('a', '__proto__[polluted]')])],
    ['NUL byte in a file name', ct, multipart(b, [{ ...file, filename: Buffer.from(`a\u0000b.${validFile.name.split('.').pop()}`) }])],
    [
      'invalid UTF-8 in a file name',
      ct,
      multipart(b, [{ ...file, filename: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`.${validFile.name.split('.').pop()}`)]) }]),
    ],
    ['long file name', ct, multipart(b, [{ ...file, filename: `${'я'.repeat(3000)}.${validFile.name.split('.').pop()}` }])],
    ['NUL byte in a field name', ct, multipart(b, [file, withText('a', Buffer.from('te\u0000xt'))])],
    ['JSON instead of multipart', 'application/json', Buffer.from('{"text":"x"}')],
    ['deep JSON instead of multipart', 'application/json', Buffer.from(deepObject(3000))],
  ];
}
