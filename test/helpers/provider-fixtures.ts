// What the recorded Twilio and Meta fixtures answer to the ownership lookups (IncomingPhoneNumbers, a
// WABA's phone_numbers): tests declare which provider account holds which numbers under which secret,
// and every lookup is recorded with its Authorization header so tests can assert whose credentials asked.
import incoming from '../fixtures/twilio/incoming-phone-numbers.response.json';
import twilioAuthError from '../fixtures/twilio/authenticate-error.response.json';
import wabaNumbers from '../fixtures/meta/waba-phone-numbers.response.json';
import metaAuthError from '../fixtures/meta/oauth-error.response.json';

interface TwilioFixtureAccount {
  auth: Set<string>;
  numbers: Set<string>;
}
const twilioAccounts = new Map<string, TwilioFixtureAccount>();
const wabas = new Map<string, { token: string; numbers: Array<{ id: string; display: string }> }>();
export const lookups: Array<{ url: string; auth: string | null }> = [];

/** A Twilio account the fixture server knows: REST logins (user:secret pairs) and its numbers. */
export function twilioFixtureAccount(sid: string, logins: Array<[string, string]>, numbers: string[] = []) {
  const acct = twilioAccounts.get(sid) ?? { auth: new Set(), numbers: new Set() };
  for (const [u, p] of logins) acct.auth.add(`Basic ${btoa(`${u}:${p}`)}`);
  for (const n of numbers) acct.numbers.add(n);
  twilioAccounts.set(sid, acct);
}

/** A WABA the Graph fixture knows, with its token and phone numbers (id, display number). */
export function wabaFixture(waba: string, token: string, numbers: Array<{ id: string; display: string }>) {
  const w = wabas.get(waba) ?? { token, numbers: [] };
  w.numbers.push(...numbers);
  wabas.set(waba, w);
}

/** The ownership lookups' answers, or null for any other request (the test's own handler answers it). */
export function ownershipFixture(req: Request): Response | null {
  const url = new URL(req.url);
  const auth = req.headers.get('Authorization');
  const tw = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers\.json$/.exec(url.pathname);
  if (tw && req.method === 'GET') {
    lookups.push({ url: req.url, auth });
    const acct = twilioAccounts.get(tw[1]);
    if (!acct || !auth || !acct.auth.has(auth)) return Response.json(twilioAuthError, { status: 401 });
    const asked = url.searchParams.get('PhoneNumber') ?? '';
    const list = acct.numbers.has(asked)
      ? [{ ...incoming.incoming_phone_numbers[0], account_sid: tw[1], phone_number: asked }]
      : [];
    return Response.json({ ...incoming, incoming_phone_numbers: list });
  }
  const meta = /^\/v21\.0\/([^/]+)\/phone_numbers$/.exec(url.pathname);
  if (meta && req.method === 'GET') {
    lookups.push({ url: req.url, auth });
    const w = wabas.get(meta[1]);
    if (!w || auth !== `Bearer ${w.token}`) return Response.json(metaAuthError, { status: 401 });
    const data = w.numbers.map((n) => ({
      ...wabaNumbers.data[0],
      id: n.id,
      display_phone_number: n.display,
    }));
    return Response.json({ ...wabaNumbers, data });
  }
  return null;
}
