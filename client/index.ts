// The typed client for callplane's API: openapi-fetch over the `paths` type that `npm run gen:client`
// generates into client/schema.d.ts (gen:client writes only that file and openapi.json, never this one).
// Paths, parameters, bodies and responses are checked by the compiler against the OpenAPI document, so a
// route whose documented schema drifts from what callers send or read fails `npm run typecheck`
// (test/e2e/run.ts is the first caller).
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { paths, components, operations } from './schema';
export type CallplaneClient = Client<paths>;

/** A client for one base URL and one bearer credential (an account's API key, or ADMIN_TOKEN for /admin). */
export function createCallplaneClient(baseUrl: string, apiKey: string): CallplaneClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
}

/**
 * Unwraps an openapi-fetch result: the typed success body, or an Error carrying the status and the
 * API's error envelope (so a failing call stops the caller with the server's reason).
 */
export async function ok<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok || data === undefined) {
    const req = `${response.url} ${response.status}`;
    throw new Error(`${req}: ${JSON.stringify(error ?? null)}`);
  }
  return data;
}
