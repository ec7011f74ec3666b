// The dashboard's Clerk path: a Clerk session token for a linked organisation is exchanged for the same
// session cookie an API key gets; a token Clerk did not sign, or for an unlinked org, is refused.
import { importPKCS8, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, BASE, createAccount, env, request, type TestAccount } from '../helpers/harness';

const ISS = 'https://clerk.test.callplane.dev';
const AZP = 'https://app.callplane.dev';
let acct: TestAccount;

async function clerkToken(orgId: string) {
  const key = await importPKCS8(env.TEST_CLERK_PRIVATE_KEY, 'RS256');
  return new SignJWT({ azp: AZP, org_id: orgId })
    .setProtectedHeader({ alg: 'RS256', kid: 'test' })
    .setIssuer(ISS)
    .setSubject('user_dash')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}
const signIn = (form: Record<string, string>) =>
  request('POST', '/dashboard/sign_in', {
    raw: new URLSearchParams(form),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
  });

beforeAll(async () => {
  acct = await createAccount('growth');
  await request('POST', `/admin/accounts/${acct.id}/clerk_links`, {
    key: ADMIN_TOKEN,
    body: { subject: 'org_dashboard' },
  });
});

describe('dashboard sign-in with Clerk', () => {
  it('a linked Clerk token becomes a session for its account', async () => {
    const res = await signIn({ clerk_token: await clerkToken('org_dashboard') });
    expect(res.status).toBe(303);
    const cookie = /cp_session=([^;]+)/.exec(res.headers.get('Set-Cookie') ?? '')![1];
    const page = await request('GET', '/dashboard', { headers: { Cookie: `cp_session=${cookie}` } });
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)![1];
    const me = await request('GET', '/v1/account', {
      headers: { Cookie: `cp_session=${cookie}`, 'X-CSRF-Token': csrf },
    });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(acct.id);
  });

  it('an unlinked org or a forged token gets 401 and no cookie', async () => {
    for (const clerk_token of [await clerkToken('org_nobody'), `${await clerkToken('org_dashboard')}x`]) {
      const res = await signIn({ clerk_token });
      expect(res.status).toBe(401);
      expect(res.headers.get('Set-Cookie')).toBeNull();
    }
  });
});
