// /dashboard: sign-in (an API key, or a Clerk token, exchanged for a session cookie), sign-out, and the
// page shells. Everything a page shows or changes goes through the public API with that cookie plus the
// CSRF token (src/middleware/auth.ts), so the same validation, limits and errors apply.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { csrf as sameOrigin } from 'hono/csrf';
import type { AppEnv } from '../env';
import { timingSafeEqual } from '../lib/crypto';
import { countAnonymous } from '../middleware/rate-limit';
import { accountForApiKey } from '../services/api-keys';
import { accountForClerkToken, looksLikeJwt } from '../services/clerk';
import {
  createSession,
  destroySession,
  readSession,
  SESSION_COOKIE,
  sessionCookie,
  sessionsEnabled,
} from '../services/sessions';
import { PAGES, Shell, SignIn, type PageName } from './layout';
import { systemCtx, withAccount } from '../services/context';

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:';

async function currentSession(c: Context<AppEnv>) {
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie ? readSession(systemCtx(c.env), cookie) : null;
}

function signInPage(c: Context<AppEnv>, error?: string, status: 200 | 401 = 200) {
  const page = <SignIn error={error} clerk={!!c.env.CLERK_ISSUER} enabled={sessionsEnabled(c.env)} />;
  return c.html(`<!doctype html>${page}`, status, { 'Cache-Control': 'no-store' });
}

export function dashboardRoutes() {
  const r = new Hono<AppEnv>();
  // Form posts must come from this origin (login CSRF); API calls are covered by the CSRF header instead.
  r.use('*', sameOrigin());

  r.get('/sign_in', (c) => signInPage(c));

  r.post('/sign_in', async (c) => {
    if (!sessionsEnabled(c.env)) return signInPage(c, 'Sign-in is not configured', 401);
    const form = await c.req.parseBody();
    const apiKey = typeof form.api_key === 'string' ? form.api_key.trim() : '';
    const clerkToken = typeof form.clerk_token === 'string' ? form.clerk_token.trim() : '';
    const ctx = systemCtx(c.env);
    let accountId: string | null = null;
    let keyId: string | null = null;
    let scopes: readonly string[] | null = null;
    if (apiKey) {
      const found = await accountForApiKey(ctx, apiKey);
      if (found) [accountId, keyId] = [found.account.id, found.keyId];
    } else if (clerkToken && looksLikeJwt(clerkToken)) {
      const found = await accountForClerkToken(ctx, clerkToken);
      // The session keeps the Clerk role's scopes (an API key's are read from the key on each use).
      if (found) [accountId, scopes] = [found.account.id, found.scopes];
    }
    if (!accountId) {
      // Failed sign-ins count against the client's IP like any bad credential (429 once over the limit).
      await countAnonymous(c);
      return signInPage(c, 'That key is not valid, or it was revoked.', 401);
    }
    const session = await createSession(withAccount(ctx, { id: accountId }), keyId, scopes);
    c.header('Set-Cookie', sessionCookie(session.cookie, isHttps(c)));
    return c.redirect('/dashboard', 303);
  });

  r.post('/sign_out', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = cookie ? await readSession(systemCtx(c.env), cookie) : null;
    const form = await c.req.parseBody();
    if (!cookie || !session) return c.redirect('/dashboard/sign_in', 303);
    if (typeof form._csrf !== 'string' || !timingSafeEqual(form._csrf, session.csrf))
      return c.text('Missing or wrong CSRF token', 403);
    await destroySession(systemCtx(c.env), cookie);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c), httpOnly: true, sameSite: 'Lax' });
    return c.redirect('/dashboard/sign_in', 303);
  });

  const titles = Object.fromEntries(PAGES) as Record<string, string>;
  const page = (name: PageName, title: string, id?: string) => async (c: Context<AppEnv>) => {
    const session = await currentSession(c);
    if (!session) return c.redirect('/dashboard/sign_in', 302);
    const html = (
      <Shell page={name} title={title} csrf={session.csrf} account={session.account.name} id={id} />
    );
    return c.html(`<!doctype html>${html}`, 200, { 'Cache-Control': 'no-store' });
  };
  r.get('/', page('overview', 'Overview'));
  r.get('/calls/:id', (c) => page('call', 'Call', c.req.param('id'))(c));
  for (const [name] of PAGES) if (name !== 'overview') r.get(`/${name}`, page(name, titles[name]));
  return r;
}
