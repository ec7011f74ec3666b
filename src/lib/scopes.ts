// Restricted keys (Stripe's idea): a key may carry scopes; every operation needs one. The table below
// is the single source for both enforcement (middleware/auth.ts `requireScope`) and the OpenAPI
// document (`x-required-scopes`, added in app.ts), so docs and checks cannot drift.

/** Resources a scope can name. `credentials` covers the account's own and provider credentials. */
export const SCOPE_RESOURCES = [
  'calls',
  'agents',
  'numbers',
  'messages',
  'webhooks',
  'rtb',
  'reporting',
  'keys',
  'credentials',
  'audit',
  'suppressions',
] as const;
export type ScopeResource = (typeof SCOPE_RESOURCES)[number];

export const SCOPES = [
  '*',
  '*:read',
  ...SCOPE_RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`] as const),
] as const;
export type Scope = (typeof SCOPES)[number];

/** Path prefixes (after the surface) → resource. First match wins; an unknown path needs `*`. */
const PREFIXES: Array<[RegExp, ScopeResource]> = [
  [/^\/(v1|api\/v1)\/(calls?|batches)(\/|$)/, 'calls'],
  [/^\/v1\/simulator\/inbound_calls/, 'calls'],
  [/^\/v1\/agents(\/|$)/, 'agents'],
  [/^\/v1\/phone_numbers(\/|$)/, 'numbers'],
  [/^\/(v1\/messages|(api\/)?v1\/whatsapp|v1\/simulator\/whatsapp_messages)(\/|$)/, 'messages'],
  [/^\/v1\/(webhook_endpoints|events)(\/|$)/, 'webhooks'],
  [/^\/v1\/rtb_(endpoints|routes)(\/|$)/, 'rtb'],
  [/^\/reporting_ai(\/|$)/, 'reporting'],
  [/^\/v1\/api_keys(\/|$)/, 'keys'],
  [/^\/v1\/(account|provider_credentials)(\/|$)/, 'credentials'],
  [/^\/v1\/audit_events(\/|$)/, 'audit'],
  [/^\/v1\/suppressions(\/|$)/, 'suppressions'],
];

/** Operations that only read although they are POSTs (a reporting question changes nothing). */
const READ_POSTS = [/^\/reporting_ai\/query$/];

/** Reads that reveal a secret in full (the Meta webhook verify token): they need the write scope. */
const SECRET_READS = [/^\/v1\/provider_credentials\/whatsapp\/webhook$/];

/** The scope an operation needs, or `*` when the path is not in the table (fail closed). */
export function requiredScope(method: string, path: string): Scope {
  const resource = PREFIXES.find(([re]) => re.test(path))?.[1];
  if (!resource) return '*';
  const m = method.toUpperCase();
  const read =
    ((m === 'GET' || m === 'HEAD') && !SECRET_READS.some((re) => re.test(path))) ||
    READ_POSTS.some((re) => re.test(path));
  return `${resource}:${read ? 'read' : 'write'}` as Scope;
}

/** Whether a key's scopes (null = unrestricted) grant `needed`. `x:write` implies `x:read`. */
export function grants(held: readonly string[] | null | undefined, needed: Scope): boolean {
  if (!held) return true;
  if (held.includes('*') || held.includes(needed)) return true;
  const [resource, access] = needed.split(':');
  if (access === 'read') return held.includes('*:read') || held.includes(`${resource}:write`);
  return false;
}

/** Clerk organisation roles. Members work with everything except keys and credentials. */
export function scopesForOrgRole(role: string | undefined): Scope[] | null {
  const r = (role ?? '').replace(/^org:/, '');
  if (r === 'admin') return null;
  if (r === 'member' || r === 'basic_member')
    return SCOPE_RESOURCES.flatMap((res) =>
      res === 'keys' || res === 'credentials' ? [`${res}:read` as Scope] : [`${res}:write` as Scope],
    );
  // Unknown roles (custom ones) get read-only access until mapped.
  return ['*:read'];
}
