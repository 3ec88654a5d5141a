/**
 * The typed client of the school diary API: openapi-fetch over the types generated from docs/openapi.json
 * (./schema.ts, `npm run client:generate`), plus what every frontend needs and nothing per route:
 * the Bearer token on every call, one refresh and retry when the access token has expired, and errors
 * typed by the codes each operation documents. See ../README.md.
 */
import createClient, { type Client, type FetchResponse } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

/** A schema of the document by name: `Schema<'MeView'>`. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
/** The methods `P` has: `MethodOf<'/api/v1/me'>` is `'get'`. */
export type MethodOf<P extends keyof paths> = { [M in Method]: [NonNullable<paths[P][M]>] extends [never] ? never : M }[Method];
/** The operation object of one route. */
export type Operation<P extends keyof paths, M extends MethodOf<P>> = NonNullable<paths[P][M]>;

/** The body of a successful answer of `M P`. */
export type Data<P extends keyof paths, M extends MethodOf<P>> = NonNullable<
  FetchResponse<Operation<P, M>, object, `${string}/${string}`>['data']
>;
/** The error bodies `M P` documents (one per status), each `{ statusCode, code, message, details?, requestId }`. */
export type ErrorBodyOf<P extends keyof paths, M extends MethodOf<P>> = NonNullable<
  FetchResponse<Operation<P, M>, object, `${string}/${string}`>['error']
>;
/** The union of error codes `M P` documents: `ErrorCode<'/api/v1/auth/login', 'post'>`. */
export type ErrorCode<P extends keyof paths, M extends MethodOf<P>> = CodeOf<ErrorBodyOf<P, M>>;
type CodeOf<E> = E extends { code: infer C extends string } ? C : never;

/** The common error body of the API (`components.schemas.ErrorBody`). */
export type ErrorBody = Schema<'ErrorBody'>;
/** Offset pages: `{ items, total, limit, offset }` (`?limit=&offset=`). */
export type OffsetPage<T> = Schema<'OffsetPageMeta'> & { items: T[] };
/** Cursor (keyset) pages: `{ items, nextCursor }`; pass `nextCursor` back as `cursor`, `null` at the end. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}
export type TokenPair = Schema<'TokenPairView'>;

/**
 * Code of errors made by the client itself: the answer was an error but not the API's JSON error body
 * (a proxy's 502 page, say). Network failures and CORS refusals stay what fetch throws: a TypeError.
 */
export const UNEXPECTED_RESPONSE = 'UNEXPECTED_RESPONSE';

/** An error answer of the API, as an exception (see `unwrap`). Switch on `code`; show `message` (Russian). */
export class DiaryApiError<C extends string = string> extends Error {
  override readonly name = 'DiaryApiError';
  readonly code: C;
  readonly status: number;
  readonly details?: unknown;
  readonly requestId?: string;

  constructor(
    readonly body: ErrorBody & { code: C },
    readonly response: Response,
  ) {
    super(body.message);
    this.code = body.code;
    this.status = response.status;
    this.details = body.details;
    this.requestId = body.requestId;
  }
}

/**
 * Narrows a caught value to the API's error, with the codes of one operation when given as the type
 * argument: `if (isDiaryApiError<ErrorCode<'/api/v1/auth/login', 'post'>>(e)) switch (e.code) { … }`.
 */
export function isDiaryApiError<C extends string = string>(e: unknown): e is DiaryApiError<C> {
  return e instanceof DiaryApiError;
}

type AnyResult = { data?: unknown; error?: unknown; response: Response };
type Unwrapped<R extends AnyResult> = [NonNullable<Extract<R, { error?: never }>['data']>] extends [never]
  ? void
  : NonNullable<Extract<R, { error?: never }>['data']>;

/** The data of a call, or throws its error as a `DiaryApiError`: `const me = await unwrap(diary.GET('/api/v1/me'))`. */
export async function unwrap<R extends AnyResult>(call: Promise<R> | R): Promise<Unwrapped<R>> {
  const r = await call;
  if (r.error !== undefined || r.response.status >= 400) throw new DiaryApiError(errorBody(r.error, r.response), r.response);
  return r.data as Unwrapped<R>;
}

export type MaybePromise<T> = T | Promise<T>;

export interface DiaryClientOptions {
  /** Origin of the API, e.g. `https://diary.example.ru`; `''` (the default) for the page's own origin. */
  baseUrl?: string;
  /** The current access token; sent as `Authorization: Bearer …` unless the call sets its own header. */
  getAccessToken?: () => MaybePromise<string | null | undefined>;
  /** The current refresh token. With it, a 401 TOKEN_EXPIRED is refreshed once and the call retried. */
  getRefreshToken?: () => MaybePromise<string | null | undefined>;
  /** Called with the new pair after a refresh: store it (the old refresh token is spent). */
  onTokenRefresh?: (tokens: TokenPair) => MaybePromise<void>;
  /** Called when a refresh was refused (the session ended): sign the user out. */
  onSessionEnd?: (error: DiaryApiError) => MaybePromise<void>;
  /** A fetch to use instead of globalThis.fetch (tests, instrumentation). */
  fetch?: (input: Request) => Promise<Response>;
  /** Headers for every call (e.g. `Accept-Language`). */
  headers?: Record<string, string>;
}

/** openapi-fetch's client over the diary's paths: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, each typed by route. */
export type DiaryClient = Client<paths, `${string}/${string}`>;

const REFRESH_PATH = '/api/v1/auth/refresh';

/**
 * A client for the diary API. Every call answers `{ data, error, response }`: `error` is one of the
 * error bodies the operation documents, so `switch (error.code)` covers exactly its codes.
 */
export function createDiaryClient(options: DiaryClientOptions = {}): DiaryClient {
  const baseFetch = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  let refreshing: Promise<string | null> | null = null;

  const raw = createClient<paths, `${string}/${string}`>({
    baseUrl: options.baseUrl ?? '',
    headers: { Accept: 'application/json', ...options.headers },
    fetch: async (request: Request): Promise<Response> => {
      let sent: string | null = null;
      if (!request.headers.has('Authorization')) {
        sent = (await options.getAccessToken?.()) ?? null;
        if (sent) request.headers.set('Authorization', `Bearer ${sent}`);
      }
      const mayRetry = sent !== null && options.getRefreshToken !== undefined;
      const spare = mayRetry ? request.clone() : null; // a body can be sent once: keep a copy for the retry
      let response = await checked(await baseFetch(request));
      if (spare && response.status === 401 && (await codeOf(response)) === 'TOKEN_EXPIRED') {
        const token = await freshToken(sent as string);
        if (token) {
          spare.headers.set('Authorization', `Bearer ${token}`);
          response = await checked(await baseFetch(spare));
        }
      }
      return response;
    },
  });

  /** A valid access token after `expired` was refused: another call's refresh, or one refresh shared by all. */
  async function freshToken(expired: string): Promise<string | null> {
    const current = (await options.getAccessToken?.()) ?? null;
    if (current && current !== expired) return current;
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function refresh(): Promise<string | null> {
    const refreshToken = await options.getRefreshToken?.();
    if (!refreshToken) return null;
    const r = await raw.POST(REFRESH_PATH, { body: { refreshToken }, fetch: (req) => baseFetch(req).then(checked) });
    if (r.data) {
      await options.onTokenRefresh?.(r.data);
      return r.data.accessToken;
    }
    await options.onSessionEnd?.(new DiaryApiError(errorBody(r.error, r.response), r.response));
    return null;
  }

  return raw;
}

/** Error answers that are not the API's JSON body become one (code UNEXPECTED_RESPONSE), so `error` always has a code. */
async function checked(response: Response): Promise<Response> {
  if (response.status < 400 || (await codeOf(response)) !== undefined) return response;
  const body: ErrorBody = {
    statusCode: response.status,
    code: UNEXPECTED_RESPONSE,
    message: 'Сервис временно недоступен. Попробуйте ещё раз немного позже.',
  };
  return new Response(JSON.stringify(body), {
    status: response.status,
    statusText: response.statusText,
    headers: { 'Content-Type': 'application/json' },
  });
}

async function codeOf(response: Response): Promise<string | undefined> {
  if (!(response.headers.get('Content-Type') ?? '').includes('json')) return undefined;
  try {
    const body: unknown = await response.clone().json();
    return isErrorBody(body) ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ErrorBody).code === 'string' &&
    typeof (body as ErrorBody).message === 'string'
  );
}

function errorBody<C extends string>(error: unknown, response: Response): ErrorBody & { code: C } {
  if (isErrorBody(error)) return error as ErrorBody & { code: C };
  return { statusCode: response.status, code: UNEXPECTED_RESPONSE as C, message: `HTTP ${response.status}` };
}
