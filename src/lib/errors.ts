// One error envelope for every surface (SPEC §3). Services throw ApiError; app.onError maps it once.
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  server_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export class ApiError extends Error {
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export const invalid = (message: string, param?: string) => new ApiError('invalid_request', message, param);
export const unauthorized = (message = 'Missing or invalid credentials') =>
  new ApiError('unauthorized', message);
export const forbidden = (message: string) => new ApiError('forbidden', message);
export const notFound = (what: string, param?: string) => new ApiError('not_found', `No such ${what}`, param);
export const conflict = (message: string, param?: string) => new ApiError('conflict', message, param);
export const unprocessable = (message: string, param?: string) =>
  new ApiError('unprocessable', message, param);

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
