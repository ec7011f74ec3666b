import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { formatParam, invalid } from '../lib/errors';
import { jsonShapeProblem } from '../lib/json-shape';
import { parseJsonInSlices } from '../lib/json-slices';

/**
 * Every JSON body's shape (depth, keys per object) is checked on the raw text before any route parses
 * or stores it (lib/json-shape.ts), then the body is parsed once, a slice at a time (lib/json-slices.ts),
 * so neither step blocks the isolate for long on the largest body. The route's validator and the audit
 * trail read that parsed value through `c.req.json()` instead of parsing the text again; a malformed body
 * rejects there as JSON.parse would (the validator answers 400).
 */
export const jsonGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method !== 'GET' && method !== 'HEAD' && (c.req.header('Content-Type') ?? '').includes('json')) {
    const text = await c.req.text();
    const problem = await jsonShapeProblem(text);
    if (problem) {
      const param = formatParam(problem.path);
      throw invalid(param ? `${param}: ${problem.message}` : problem.message, param);
    }
    const parsed = parseJsonInSlices(text);
    parsed.catch(() => {}); // a malformed body is reported by whoever reads it, not as an unhandled rejection
    // biome-ignore lint/suspicious/noExplicitAny: HonoRequest.json is generic in its result
    c.req.json = () => parsed as Promise<any>;
    await parsed.catch(() => {});
  }
  await next();
};
