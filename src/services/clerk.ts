// Clerk session tokens: RS256 only, issuer checked, `azp` checked whenever CLERK_AUTHORIZED_PARTIES is
// set (README "Security"), 5 s clock tolerance; organisation roles become scopes (lib/scopes.ts).
import { createRemoteJWKSet, importSPKI, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { eq } from 'drizzle-orm';
import { accounts, clerkLinks } from '../db/schema';
import { toAccount, type Account } from '../db/types';
import { type Scope, scopesForOrgRole } from '../lib/scopes';
import { findOnShards } from '../db/shards';
import type { Ctx } from './context';

type KeySource = Promise<CryptoKey> | ReturnType<typeof createRemoteJWKSet>;

// Built once per isolate: jose's remote key set caches the JWKS and refetches on an unknown `kid`.
const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const pemKeys = new Map<string, Promise<CryptoKey>>();

function keySource(ctx: Ctx): KeySource | null {
  const { env } = ctx;
  if (env.CLERK_JWT_KEY) {
    const pem = env.CLERK_JWT_KEY.replace(/\\n/g, '\n');
    let key = pemKeys.get(pem);
    if (!key) {
      key = importSPKI(pem, 'RS256');
      pemKeys.set(pem, key);
    }
    return key;
  }
  if (env.CLERK_JWKS_URL) {
    let set = remoteSets.get(env.CLERK_JWKS_URL);
    if (!set) {
      set = createRemoteJWKSet(new URL(env.CLERK_JWKS_URL), {
        cacheMaxAge: 10 * 60_000,
        cooldownDuration: 30_000,
      });
      remoteSets.set(env.CLERK_JWKS_URL, set);
    }
    return set;
  }
  return null;
}

export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

export interface ClerkSession {
  account: Account;
  userId: string;
  /** From the organisation role; null (full access) for an admin or a personal (non-org) link. */
  scopes: Scope[] | null;
}

/**
 * Session-token claims, v2 first: `o: { id, rol }` (Clerk's 2025 session token), then v1's `org_id` /
 * `org_role` (`org:admin`).
 */
export function orgClaims(payload: JWTPayload): { orgId?: string; role?: string } {
  const o = payload.o as { id?: unknown; rol?: unknown } | undefined;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (o && typeof o === 'object') return { orgId: str(o.id), role: str(o.rol) };
  return { orgId: str(payload.org_id), role: str(payload.org_role) };
}

/** Verifies a Clerk token and returns the linked account, or null for any failure. */
export async function accountForClerkToken(ctx: Ctx, token: string): Promise<ClerkSession | null> {
  const { env } = ctx;
  const source = keySource(ctx);
  if (!source || !env.CLERK_ISSUER) return null;
  let payload: JWTPayload;
  try {
    const key = source instanceof Promise ? await source : source;
    ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
      algorithms: ['RS256'],
      issuer: env.CLERK_ISSUER,
      clockTolerance: 5,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch {
    return null;
  }
  const parties = (env.CLERK_AUTHORIZED_PARTIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parties.length && (typeof payload.azp !== 'string' || !parties.includes(payload.azp))) return null;
  const { orgId, role } = orgClaims(payload);
  const subject = orgId ?? payload.sub!;
  // A Clerk subject names no account: every shard is asked at once (linkClerkSubject keeps it on one).
  const row = await findOnShards(
    env,
    async (db) =>
      (
        await db
          .select({ account: accounts })
          .from(clerkLinks)
          .innerJoin(accounts, eq(accounts.id, clerkLinks.accountId))
          .where(eq(clerkLinks.subject, subject))
          .limit(1)
      )[0],
    (r) => r.account.id,
  );
  if (!row) return null;
  return {
    account: toAccount(row.account),
    userId: payload.sub!,
    scopes: orgId ? scopesForOrgRole(role) : null,
  };
}
