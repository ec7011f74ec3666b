import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { formatParam, invalid } from '../lib/errors';
import { jsonShapeProblem } from '../lib/json-shape';

/**
 * Every JSON body's shape (depth, keys per object) is checked on the raw text before any route parses
 * or stores it (lib/json-shape.ts). Hono caches the text, so the route's validator does not read twice.
 */
export const jsonGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method !== 'GET' && method !== 'HEAD' && (c.req.header('Content-Type') ?? '').includes('json')) {
    const problem = await jsonShapeProblem(await c.req.text());
    if (problem) {
      const param = formatParam(problem.path);
      throw invalid(param ? `${param}: ${problem.message}` : problem.message, param);
    }
  }
  await next();
};
