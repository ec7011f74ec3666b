import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { type AuditedResource, type AuditVerb, recordAudit } from '../services/audit';
import { auditContext } from './auth';

/**
 * Configuration changes under /v1 that the audit log records without each route having to remember:
 * path → resource, and which verb a method means. A route that records its own, richer entry (API keys,
 * via `auditContext`) is skipped. Values are never logged, only the names of the fields sent.
 */
const RULES: Array<{ re: RegExp; resource: AuditedResource; verb?: AuditVerb }> = [
  { re: /^\/v1\/agents(\/[^/]+)?$/, resource: 'agent' },
  { re: /^\/v1\/agents\/[^/]+\/versions\/[^/]+\/restore$/, resource: 'agent', verb: 'updated' },
  { re: /^\/v1\/suppressions(\/(batch|import|[^/]+))?$/, resource: 'suppression' },
  { re: /^\/v1\/phone_numbers(\/[^/]+)?$/, resource: 'phone_number' },
  { re: /^\/v1\/webhook_endpoints(\/[^/]+)?$/, resource: 'webhook_endpoint' },
  { re: /^\/v1\/webhook_endpoints\/[^/]+\/rotate_secret$/, resource: 'webhook_endpoint', verb: 'rotated' },
  { re: /^\/v1\/rtb_endpoints(\/[^/]+)?$/, resource: 'rtb_endpoint' },
  { re: /^\/v1\/rtb_endpoints\/[^/]+\/routes(\/[^/]+)?$/, resource: 'rtb_route' },
  { re: /^\/v1\/account\/credentials\/([^/]+)\/rotate$/, resource: 'account_credential', verb: 'rotated' },
  {
    re: /^\/v1\/provider_credentials\/whatsapp\/webhook\/rotate$/,
    resource: 'provider_credential',
    verb: 'rotated',
  },
  { re: /^\/v1\/provider_credentials(\/.*)?$/, resource: 'provider_credential' },
  { re: /^\/v1\/account\/quiet_hours$/, resource: 'account_settings' },
];

const VERBS: Record<string, AuditVerb> = {
  POST: 'created',
  PUT: 'updated',
  PATCH: 'updated',
  DELETE: 'deleted',
};

async function fieldsSent(c: Context<AppEnv>): Promise<string[] | undefined> {
  if (!(c.req.header('Content-Type') ?? '').includes('json')) return undefined;
  try {
    const body = await c.req.json(); // cached by Hono from the validator's read
    return body && typeof body === 'object' && !Array.isArray(body)
      ? Object.keys(body).slice(0, 50)
      : undefined;
  } catch {
    return undefined;
  }
}

async function resourceIdOf(c: Context<AppEnv>, path: string): Promise<string | null> {
  try {
    const body = (await c.res.clone().json()) as { id?: unknown };
    if (typeof body?.id === 'string') return body.id;
  } catch {
    // Not JSON: fall back to the path.
  }
  const cred = /\/credentials\/([^/]+)\/rotate$/.exec(path);
  if (cred) return cred[1];
  return path.split('/').filter(Boolean).at(-1) ?? null;
}

export const auditTrail: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const verbFor = VERBS[c.req.method];
  if (!verbFor || c.res.status >= 300 || c.get('audited')) return;
  const path = c.req.path;
  const rule = RULES.find((r) => r.re.test(path));
  if (!rule) return;
  const fields = await fieldsSent(c);
  await recordAudit(auditContext(c), {
    resource: rule.resource,
    verb: rule.verb ?? verbFor,
    resourceId: await resourceIdOf(c, path),
    data: fields ? { fields } : undefined,
  });
};
