import { extractEsiaCode } from './esia.errors';

/** A failed outbound ESIA call, before it is mapped to AppError ESIA_UNAVAILABLE. */
export class EsiaCallError extends Error {
  constructor(
    readonly step: string,
    readonly reason: 'timeout' | 'network' | 'error_response' | 'invalid_response',
    message: string,
    readonly httpStatus?: number,
    readonly esiaCode?: string,
  ) {
    super(message);
    this.name = 'EsiaCallError';
  }
}

export interface EsiaResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (object) or undefined. */
  json?: Record<string, unknown>;
}

/**
 * One outbound call with a hard timeout (global fetch + AbortSignal.timeout). Never throws for
 * HTTP status codes; throws {@link EsiaCallError} for timeouts and network failures only.
 */
export async function esiaFetch(step: string, url: string, init: RequestInit, timeoutMs: number): Promise<EsiaResponse> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await res.text();
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new EsiaCallError(step, 'timeout', `${step}: no answer within ${timeoutMs} ms`);
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new EsiaCallError(step, 'network', `${step}: ${cause ?? (e instanceof Error ? e.message : 'network error')}`);
  }
  let json: Record<string, unknown> | undefined;
  if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      const v: unknown = JSON.parse(text);
      if (v && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** An EsiaCallError for an HTTP error answer, with the ESIA code when the body carries one. */
export function errorResponse(step: string, res: EsiaResponse): EsiaCallError {
  const code = extractEsiaCode(res.json?.error_description) ?? extractEsiaCode(res.text.slice(0, 2000));
  const error = typeof res.json?.error === 'string' ? ` ${res.json.error}` : '';
  return new EsiaCallError(step, 'error_response', `${step}: HTTP ${res.status}${error}${code ? ` ${code}` : ''}`, res.status, code);
}
