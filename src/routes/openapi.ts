// The OpenAPI document: its frame, and the finishing pass every rendering goes through (the served
// /openapi.json and scripts/export-openapi.mjs alike), so the two can never differ.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { requiredScope } from '../lib/scopes';

export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'callplane API',
    version: '1.0.0',
    description: 'AI phone agents, calls, webhooks, RTB and reporting on Cloudflare Workers.',
    license: { name: 'Proprietary', identifier: 'LicenseRef-callplane' },
  },
  servers: [
    { url: 'https://api.callplane.dev', description: 'Production' },
    { url: 'http://127.0.0.1:8787', description: 'Local `wrangler dev`' },
  ],
  security: [{ bearer: [] }],
};

/** What each tag groups, in the order the reference lists them. */
const TAGS: Record<string, string> = {
  Account: 'The calling account and its credentials',
  'API keys': 'Keys for this account (shown once, stored hashed)',
  Agents: 'AI voice agents: prompt, voice and first message',
  'Phone numbers': 'Numbers that place and answer calls, each routed to an agent',
  Calls: 'Outbound and inbound calls, their transcript and analysis',
  Batches: 'Many calls at once, scheduled inside a calling window',
  Suppressions: 'Numbers never to call or message: added by you, by CSV, or by an opt-out',
  WhatsApp: 'WhatsApp messages (templates, and text inside the 24 h window)',
  Webhooks: 'Signed event delivery to your endpoints',
  Events: 'Every event the account produced, for replay',
  'Real-time bidding': 'Inbound call routing to buyers by rules, caps and schedule',
  'Reporting AI': 'Plain-English questions over the account’s data',
  CallAI: 'The CallAI-compatible surface under /api/v1 (API keys only)',
  'Incoming webhooks': 'Data pushed to callplane by lead sources and external voice runtimes',
  Simulator: 'Test-mode inbound calls and messages',
  'Audit log': 'Who changed what in this account, and when',
  Operator: 'Accounts, plans and limits (operator token)',
};

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (sk_live_… / sk_test_…) or a Clerk session token',
  },
  admin: { type: 'http', scheme: 'bearer', description: 'The operator token (ADMIN_TOKEN)' },
  moja_auth_key: {
    type: 'apiKey',
    in: 'query',
    name: 'moja_auth_key',
    description: "The account's webhook auth key (whk_…) as a query parameter",
  },
  moja_auth_header: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Moja-Auth-Key',
    description: "The account's webhook auth key (whk_…) as a header",
  },
  public_key: { type: 'apiKey', in: 'header', name: 'x-public-key', description: 'Ingest public key (pk_…)' },
  private_key: {
    type: 'apiKey',
    in: 'header',
    name: 'x-private-key',
    description: 'Ingest private key (pvk_…), sent together with x-public-key',
  },
} as const;

const METHOD_VERBS: Record<string, string> = {
  get: 'Get',
  post: 'Post',
  patch: 'Patch',
  put: 'Put',
  delete: 'Delete',
};

/**
 * `GET /v1/calls/{id}/recording` → `GetV1CallsIdRecording`, as Stripe names its operations: unique
 * because method and path are, stable across mounts (/v1 and /api/v1 serve one route twice), and a
 * new route gets one without anyone remembering to write it. A route may still set its own.
 */
export function operationIdFor(method: string, path: string) {
  const words = path
    .split(/[/_\-{}.]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1));
  return (METHOD_VERBS[method] ?? method) + words.join('');
}

type Doc = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>;

/**
 * Every operation a key can call names the scope it needs (`x-required-scopes` and the bearer security
 * requirement's scopes), from the same table the auth middleware enforces (lib/scopes.ts).
 */
function withScopes(doc: Doc) {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!/^\/(v1|api\/v1|reporting_ai)\//.test(path)) continue;
    for (const [method, op] of Object.entries(item as Record<string, unknown>)) {
      if (!op || typeof op !== 'object' || !(method in METHOD_VERBS)) continue;
      const scope = requiredScope(method, path.replace(/\{[^}]+\}/g, 'x'));
      Object.assign(op, { 'x-required-scopes': [scope], security: [{ bearer: [scope] }] });
    }
  }
}

export function finishDocument(doc: Doc): Doc {
  withScopes(doc);
  const used = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of Object.keys(METHOD_VERBS)) {
      const op = (item as Record<string, { operationId?: string; tags?: string[] } | undefined>)[method];
      if (!op) continue;
      op.operationId ??= operationIdFor(method, path);
      for (const tag of op.tags ?? []) used.add(tag);
    }
  }
  const order = Object.keys(TAGS);
  const rank = (t: string) => (order.includes(t) ? order.indexOf(t) : order.length);
  doc.tags = [...used]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => (TAGS[name] ? { name, description: TAGS[name] } : { name }));
  doc.components ??= {};
  doc.components.securitySchemes = { ...doc.components.securitySchemes, ...SECURITY_SCHEMES };
  return doc;
}

/** The finished document for `app`, rendered once per isolate (routes do not change at run time). */
const rendered = new WeakMap<object, Doc>();
export function openApiDocument(app: OpenAPIHono<AppEnv>): Doc {
  let doc = rendered.get(app);
  if (!doc) {
    doc = finishDocument(app.getOpenAPI31Document(OPENAPI_CONFIG));
    rendered.set(app, doc);
  }
  return doc;
}
