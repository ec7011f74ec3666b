import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { newSecret } from '../lib/ids';
import { logger } from '../lib/log';

/** The request's logger: every line carries its request id and, once authenticated, its account id. */
export const requestLog = (c: Context<AppEnv>) =>
  logger(c.env, { request_id: c.get('requestId'), account_id: c.get('accountId') ?? null });

/** The origin providers and customers reach this deployment at (PUBLIC_BASE_URL, else the request's). */
export const publicBaseUrl = (c: Context<AppEnv>) => c.env.PUBLIC_BASE_URL || new URL(c.req.url).origin;

/** Gives every request an id (echoed as X-Request-Id) and writes one JSON log line when it ends. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = newSecret('req_', 12);
  c.set('requestId', requestId);
  const started = Date.now();
  await next();
  c.res.headers.set('X-Request-Id', requestId);
  requestLog(c)[c.res.status >= 500 ? 'error' : 'info']('request', {
    method: c.req.method,
    route: c.req.routePath,
    path: c.req.path,
    status: c.res.status,
    ms: Date.now() - started,
  });
};
