import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { newSecret } from '../lib/ids';

/** Gives every request an id (echoed as X-Request-Id) and writes one JSON log line when it ends. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = newSecret('req_', 12);
  c.set('requestId', requestId);
  const started = Date.now();
  await next();
  c.res.headers.set('X-Request-Id', requestId);
  if (c.env.LOG_LEVEL !== 'silent') {
    console.log(
      JSON.stringify({
        level: c.res.status >= 500 ? 'error' : 'info',
        request_id: requestId,
        account_id: c.get('accountId') ?? null,
        method: c.req.method,
        route: c.req.routePath,
        path: c.req.path,
        status: c.res.status,
        ms: Date.now() - started,
      }),
    );
  }
};
