// Clerk session tokens: v2 claims (`o.id`, `o.rol`), roles → scopes, `azp`, and the JWKS-URL path
// against a JWKS served by this test (the PEM path is covered in auth.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import {
  createAccount,
  env,
  expectEnvelope,
  request,
  ADMIN_TOKEN,
  type TestAccount,
} from '../helpers/harness';
import { installReceiver, onHost } from '../helpers/receiver';
import { accountForClerkToken } from '../../src/services/clerk';
import { systemCtx } from '../../src/services/context';

const ISS = 'https://clerk.test.callplane.dev';
const AZP = 'https://app.callplane.dev';
let acct: TestAccount;

async function token(claims: Record<string, unknown>, key?: CryptoKey, kid = 'test') {
  const k = key ?? (await importPKCS8(env.TEST_CLERK_PRIVATE_KEY, 'RS256'));
  return new SignJWT({ azp: AZP, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(ISS)
    .setSubject('user_v2')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(k);
}

beforeAll(async () => {
  acct = await createAccount('growth');
  const link = await request('POST', `/admin/accounts/${acct.id}/clerk_links`, {
    key: ADMIN_TOKEN,
    body: { subject: 'org_v2' },
  });
  expect(link.status).toBe(201);
});

describe('session token v2 claims and roles', () => {
  it('o.id finds the account; an admin may mint keys, audited as the Clerk user', async () => {
    const admin = await token({ v: 2, o: { id: 'org_v2', rol: 'admin', slg: 'acme' } });
    expect((await request('GET', '/v1/account', { key: admin })).body.id).toBe(acct.id);
    const made = await request('POST', '/v1/api_keys', { key: admin, body: { name: 'by admin' } });
    expect(made.status).toBe(201);
    const log = await request('GET', `/v1/audit_events?resource_id=${made.body.id}`, { key: admin });
    expect(log.body.data[0].actor).toEqual({ type: 'clerk', id: 'user_v2' });
  });

  it('a member works with calls and agents but cannot mint keys or change credentials', async () => {
    const member = await token({ v: 2, o: { id: 'org_v2', rol: 'member' } });
    expect((await request('GET', '/v1/calls', { key: member })).status).toBe(200);
    const agent = await request('POST', '/v1/agents', { key: member, body: { name: 'm', prompt: 'p' } });
    expect(agent.status).toBe(201);
    const key = await request('POST', '/v1/api_keys', { key: member, body: {} });
    expect(key.status).toBe(403);
    expect(expectEnvelope(key).message).toContain('keys:write');
    const rotate = await request('POST', '/v1/account/credentials/webhook_auth_key/rotate', { key: member });
    expect(rotate.status).toBe(403);
  });

  it('v1 claims (org_id, org_role "org:member") map the same way', async () => {
    const member = await token({ org_id: 'org_v2', org_role: 'org:member' });
    expect((await request('GET', '/v1/agents', { key: member })).status).toBe(200);
    expect((await request('POST', '/v1/api_keys', { key: member, body: {} })).status).toBe(403);
  });

  it('azp outside CLERK_AUTHORIZED_PARTIES, or missing, is refused', async () => {
    for (const azp of ['https://evil.example', undefined]) {
      const t = await token({ o: { id: 'org_v2', rol: 'admin' }, azp });
      expect((await request('GET', '/v1/account', { key: t })).status).toBe(401);
    }
  });
});

describe('JWKS URL', () => {
  it('verifies against keys fetched from CLERK_JWKS_URL, and refuses a key not in the set', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'jwks-1', alg: 'RS256', use: 'sig' };
    let fetched = 0;
    installReceiver();
    onHost('clerk-jwks.test', () => {
      fetched++;
      return Response.json({ keys: [jwk] });
    });
    const jwksEnv = {
      ...env,
      CLERK_JWT_KEY: undefined,
      CLERK_JWKS_URL: 'https://clerk-jwks.test/.well-known/jwks.json',
    };
    const ctx = systemCtx(jwksEnv);
    const good = await token({ o: { id: 'org_v2', rol: 'admin' } }, privateKey, 'jwks-1');
    const found = await accountForClerkToken(ctx, good);
    expect(found?.account.id).toBe(acct.id);
    expect(found?.scopes).toBeNull();
    expect(fetched).toBe(1);
    // Signed by the PEM key, which the JWKS does not hold: refused.
    const other = await token({ o: { id: 'org_v2', rol: 'admin' } }, undefined, 'jwks-1');
    expect(await accountForClerkToken(ctx, other)).toBeNull();
  });
});
