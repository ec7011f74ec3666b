import { Scalar } from '@scalar/hono-api-reference';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './env';
import { DomainError, ERROR_STATUS, errorBody, type ErrorCode } from './lib/errors';
import { requestContext, requestLog } from './middleware/request-context';
import { corsPolicy, securityHeaders } from './middleware/security-headers';
import { auditTrail } from './middleware/audit-trail';
import { jsonGuard } from './middleware/json-guard';
import { requireAccount, requireAdmin } from './middleware/auth';
import { rateLimit } from './middleware/rate-limit';
import { d1Session } from './middleware/d1-session';
import { newRouter } from './routes/router';
import { adminRoutes } from './routes/admin';
import { v1Routes } from './routes/v1';
import { callaiRoutes } from './routes/callai';
import { providerRoutes } from './routes/providers';
import { ingestRoutes } from './routes/ingest';
import { rtbPingRoutes } from './routes/rtb-ping';
import { reportingRoutes } from './routes/reporting';
import { openApiDocument } from './routes/openapi';
import { dashboardRoutes } from './dashboard/routes';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Routes whose bodies may be larger than the default (a 10 000-recipient batch with variables). */
const ROUTE_BODY_LIMITS: Array<[RegExp, number]> = [
  [/^\/v1\/calls\/batch$/, 16 * 1024 * 1024],
  // A 100 000-number suppression CSV with reason and source columns.
  [/^\/v1\/suppressions\/import$/, 8 * 1024 * 1024],
];
const bodyLimits = new Map<number, ReturnType<typeof bodyLimit>>();
function limitFor(path: string) {
  const max = ROUTE_BODY_LIMITS.find(([re]) => re.test(path))?.[1] ?? MAX_BODY_BYTES;
  let mw = bodyLimits.get(max);
  if (!mw) {
    mw = bodyLimit({
      maxSize: max,
      onError: () => {
        throw new DomainError('payload_too_large', `Request body is larger than ${max} bytes`);
      },
    });
    bodyLimits.set(max, mw);
  }
  return mw;
}

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'invalid_request',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'invalid_request',
  422: 'unprocessable',
  429: 'rate_limited',
};

function errorResponse(c: Context<AppEnv>, err: unknown) {
  const requestId = c.get('requestId') ?? 'req_unknown';
  if (err instanceof DomainError) {
    const headers = { ...err.headers };
    if (err.retryAfter !== undefined && !headers['Retry-After'])
      headers['Retry-After'] = String(err.retryAfter);
    return c.json(errorBody(err.code, err.message, requestId, err.param), ERROR_STATUS[err.code], headers);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = HTTP_CODES[err.status] ?? 'invalid_request';
    const message = err.status === 415 ? 'Content-Type must be application/json' : err.message || code;
    return c.json(
      errorBody(code, message, requestId),
      err.status === 415 || err.status === 405 ? 400 : (err.status as 400),
    );
  }
  requestLog(c).error('unhandled error', { path: c.req.path, error: err });
  return c.json(
    errorBody('server_error', 'Something went wrong on our side; quote the request id to support', requestId),
    500,
  );
}

export function createApp() {
  const app = newRouter();

  app.use('*', requestContext);
  app.use('*', securityHeaders);
  app.use('*', corsPolicy);
  app.use('*', (c, next) => limitFor(c.req.path)(c, next));
  app.use('*', jsonGuard);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.use('/admin/*', requireAdmin, rateLimit);
  app.route('/admin', adminRoutes());

  app.use('/v1/*', d1Session, requireAccount({ clerk: true }), rateLimit);
  app.use('/v1/*', auditTrail);
  app.route('/v1', v1Routes());

  app.use('/api/v1/*', d1Session, requireAccount({ clerk: false }), rateLimit);
  app.route('/api/v1', callaiRoutes());

  app.route('/providers', providerRoutes());
  app.route('/', ingestRoutes());
  app.route('/inbound_rtb', rtbPingRoutes());

  app.use('/reporting_ai/*', d1Session, requireAccount({ clerk: true }), rateLimit);
  app.route('/reporting_ai', reportingRoutes());

  app.get('/openapi.json', (c) => c.json(openApiDocument(app)));
  // The Scalar bundle is served from Workers Static Assets (scripts/build-assets.mjs): no CDN, no web fonts.
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      pageTitle: 'callplane API reference',
      cdn: '/assets/scalar/standalone.js',
      withDefaultFonts: false,
      // Self-hosted means offline too: no telemetry, and none of Scalar's cloud toolbar (AI, MCP, deploy).
      telemetry: false,
      mcp: { disabled: true },
      // Options of the bundled @scalar/api-reference newer than this adapter's types; passed through as-is.
      ...({ showDeveloperTools: 'never' } as object),
    }),
  );

  app.get('/', (c) => c.redirect('/dashboard', 302));
  app.route('/dashboard', dashboardRoutes());

  app.notFound((c) =>
    c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}`, c.get('requestId')), 404),
  );
  app.onError((err, c) => errorResponse(c, err));
  return app;
}
