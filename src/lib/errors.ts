// Services, Durable Objects and middleware throw a DomainError naming what went wrong (a code from
// ERROR_STATUS); only the edge (app.ts's errorResponse, and the OpenAPI error responses) turns the code
// into an HTTP status, through ERROR_STATUS. Every surface answers with one envelope (errorBody).
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  /** The number is on the account's suppression list (services/suppressions.ts). */
  suppressed: 422,
  rate_limited: 429,
  server_error: 500,
  /** A provider (Twilio, Meta) could not be asked (network failure or its 5xx): nothing was stored; retry. */
  provider_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export class DomainError extends Error {
  /** Seconds after which a retry may succeed (a rate or concurrency limit); the edge sends Retry-After. */
  retryAfter?: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param?: string,
    /** Headers the edge adds to the error response (middleware's RateLimit headers). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** True when `err` is a DomainError with one of `codes`. */
export const isDomainError = (err: unknown, ...codes: ErrorCode[]): err is DomainError =>
  err instanceof DomainError && (codes.length === 0 || codes.includes(err.code));

export function rateLimited(message: string, retryAfterSeconds: number) {
  const err = new DomainError('rate_limited', message);
  err.retryAfter = retryAfterSeconds;
  return err;
}

export const invalid = (message: string, param?: string) =>
  new DomainError('invalid_request', message, param);
export const unauthorized = (message = 'Missing or invalid credentials') =>
  new DomainError('unauthorized', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const notFound = (what: string, param?: string) =>
  new DomainError('not_found', `No such ${what}`, param);
export const conflict = (message: string, param?: string) => new DomainError('conflict', message, param);
export const unprocessable = (message: string, param?: string) =>
  new DomainError('unprocessable', message, param);

export function errorBody(code: ErrorCode, message: string, requestId: string, param?: string) {
  return { error: { code, message, ...(param !== undefined ? { param } : {}), request_id: requestId } };
}

/** `recipients[3].phone` from a zod issue path. */
export function formatParam(path: ReadonlyArray<PropertyKey>): string | undefined {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || undefined;
}
