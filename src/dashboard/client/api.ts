// Every dashboard request goes to the public API with the session cookie and the page's CSRF token; errors
// come back as the API's envelope and are shown as such.
const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: API answers are JSON read by field in the page code
export type Json = any;

/** The RateLimit headers last seen per class (`"api";r=99;t=60`), for the overview's rate-limit use. */
export const rateSeen = new Map<string, { remaining: number; limit: number }>();

function noteRate(res: Response) {
  const policy = /"(\w+)";q=(\d+)/.exec(res.headers.get('RateLimit-Policy') ?? '');
  const left = /r=(\d+)/.exec(res.headers.get('RateLimit') ?? '');
  if (policy && left) rateSeen.set(policy[1], { limit: Number(policy[2]), remaining: Number(left[1]) });
}

export function request(method: string, path: string, body?: unknown, signal?: AbortSignal) {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    signal,
    headers: {
      'X-CSRF-Token': csrf,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}

export async function api<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  noteRate(res);
  if (res.status === 401) {
    location.href = '/dashboard/sign_in';
    throw new ApiError(401, 'unauthorized', 'Your session ended; sign in again');
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = json?.error ?? {};
    throw new ApiError(res.status, e.code ?? 'error', e.message ?? res.statusText, e.param, e.request_id);
  }
  return json as T;
}

export const get = <T = Json>(path: string) => api<T>('GET', path);
export const post = <T = Json>(path: string, body: unknown = {}) => api<T>('POST', path, body);
