// Clerk session tokens (SPEC §2): RS256 only, issuer and authorized parties checked, 5 s clock tolerance.
import { createRemoteJWKSet, importSPKI, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { eq } from 'drizzle-orm';
import { accounts, clerkLinks } from '../db/schema';
import { toAccount, type Account } from '../db/types';
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

/** Verifies a Clerk token and returns the linked account, or null for any failure. */
export async function accountForClerkToken(ctx: Ctx, token: string): Promise<Account | null> {
  const { env, db } = ctx;
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
  const subject = typeof payload.org_id === 'string' && payload.org_id ? payload.org_id : payload.sub!;
  const [row] = await db
    .select({ account: accounts })
    .from(clerkLinks)
    .innerJoin(accounts, eq(accounts.id, clerkLinks.accountId))
    .where(eq(clerkLinks.subject, subject))
    .limit(1);
  if (!row) return null;
  return toAccount(row.account);
}
