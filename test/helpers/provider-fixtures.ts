// What the recorded Twilio and Meta fixtures answer to the credential checks (a Twilio Account, a WABA) and
// the ownership lookups (IncomingPhoneNumbers, a WABA's phone_numbers): tests declare which provider account
// holds which numbers under which secret, and every lookup is recorded with its Authorization header so
// tests can assert whose credentials asked.
import { installReceiver, onHost } from './receiver';
import incoming from '../fixtures/twilio/incoming-phone-numbers.response.json';
import twilioAuthError from '../fixtures/twilio/authenticate-error.response.json';
import wabaNumbers from '../fixtures/meta/waba-phone-numbers.response.json';
import metaAuthError from '../fixtures/meta/oauth-error.response.json';
import twilioAccount from '../fixtures/twilio/fetch-account.response.json';
import twilioNotFound from '../fixtures/twilio/not-found.response.json';
import wabaNode from '../fixtures/meta/waba.response.json';
import unsupportedGet from '../fixtures/meta/unsupported-get.response.json';
import proofError from '../fixtures/meta/appsecret-proof-error.response.json';
import proofRequired from '../fixtures/meta/appsecret-proof-required.response.json';

interface TwilioFixtureAccount {
  auth: Set<string>;
  numbers: Set<string>;
  status: string;
}
const twilioAccounts = new Map<string, TwilioFixtureAccount>();
const wabas = new Map<
  string,
  {
    token: string;
    appSecret?: string;
    requireProof?: boolean;
    numbers: Array<{ id: string; display: string }>;
  }
>();
/** The contract fuzzer's mode: any well-formed credentials are an active account / a readable WABA. */
let anyCredentials = false;
export const acceptAnyCredentials = (on: boolean) => {
  anyCredentials = on;
};
export const lookups: Array<{ url: string; auth: string | null }> = [];

/** A Twilio account the fixture server knows: REST logins (user:secret pairs) and its numbers. */
export function twilioFixtureAccount(sid: string, logins: Array<[string, string]>, numbers: string[] = []) {
  const acct = twilioAccounts.get(sid) ?? { auth: new Set(), numbers: new Set(), status: 'active' };
  for (const [u, p] of logins) acct.auth.add(`Basic ${btoa(`${u}:${p}`)}`);
  for (const n of numbers) acct.numbers.add(n);
  twilioAccounts.set(sid, acct);
}

/** A Twilio account's status (`active`, `suspended`, `closed`) as its Account resource reports it. */
export function twilioFixtureStatus(sid: string, status: string) {
  const acct = twilioAccounts.get(sid);
  if (acct) acct.status = status;
}

/**
 * A WABA the Graph fixture knows, with its token and phone numbers (id, display number); with `appSecret`,
 * a request carrying an appsecret_proof must carry HMAC-SHA256(appSecret, token), as Graph checks it.
 */
export function wabaFixture(
  waba: string,
  token: string,
  numbers: Array<{ id: string; display: string }>,
  appSecret?: string,
) {
  const w = wabas.get(waba) ?? { token, numbers: [] };
  w.numbers.push(...numbers);
  if (appSecret) w.appSecret = appSecret;
  wabas.set(waba, w);
}

/** The WABA's app has "Require App Secret" on: every Graph call for it must carry the right appsecret_proof. */
export function wabaRequiresProof(waba: string, on = true) {
  const w = wabas.get(waba);
  if (w) w.requireProof = on;
}

/** Graph's check of a call's appsecret_proof for this WABA's token: null when it passes. */
async function proofRefusal(
  w: { token: string; appSecret?: string; requireProof?: boolean },
  proof: string | null,
): Promise<Response | null> {
  if (proof === null) return w.requireProof ? Response.json(proofRequired, { status: 400 }) : null;
  if (w.appSecret && proof !== (await metaProof(w.appSecret, w.token)))
    return Response.json(proofError, { status: 400 });
  return null;
}

/** What Graph expects as appsecret_proof: hex HMAC-SHA256(app secret, token). */
export const metaProof = (appSecret: string, token: string) => hmacHex(appSecret, token);

/** Drops numbers from a WABA (a number moved out of it at Meta). */
export function wabaFixtureRemove(waba: string, id: string) {
  const w = wabas.get(waba);
  if (w) w.numbers = w.numbers.filter((n) => n.id !== id);
}

async function hmacHex(secret: string, data: string) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Twilio's Account resource: 401 for a login it does not know, 404 for a login of another account. */
function twilioAccountFixture(sid: string, auth: string | null): Response {
  if (anyCredentials) return Response.json({ ...twilioAccount, sid, status: 'active' });
  const acct = twilioAccounts.get(sid);
  if (acct && auth && acct.auth.has(auth))
    return Response.json({ ...twilioAccount, sid, status: acct.status });
  const elsewhere = [...twilioAccounts.values()].some((a) => auth && a.auth.has(auth));
  return elsewhere
    ? Response.json(
        {
          ...twilioNotFound,
          message: `The requested resource /2010-04-01/Accounts/${sid}.json was not found`,
        },
        { status: 404 },
      )
    : Response.json(twilioAuthError, { status: 401 });
}

/** Graph's WABA node: 401 (190) for an unknown token, 400 (100) for a WABA it cannot read, a wrong proof. */
async function wabaNodeFixture(waba: string, auth: string | null, proof: string | null): Promise<Response> {
  if (anyCredentials) return Response.json({ ...wabaNode, id: waba });
  const w = wabas.get(waba);
  const known = [...wabas.values()].some((x) => auth === `Bearer ${x.token}`);
  if (!known) return Response.json(metaAuthError, { status: 401 });
  if (!w || auth !== `Bearer ${w.token}`) return Response.json(unsupportedGet, { status: 400 });
  return (await proofRefusal(w, proof)) ?? Response.json({ ...wabaNode, id: waba });
}

/** The ownership lookups' answers, or null for any other request (the test's own handler answers it). */
export function ownershipFixture(req: Request): Response | Promise<Response> | null {
  const url = new URL(req.url);
  const auth = req.headers.get('Authorization');
  const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(url.pathname);
  if (account && req.method === 'GET') {
    lookups.push({ url: req.url, auth });
    return twilioAccountFixture(account[1], auth);
  }
  const node = /^\/v21\.0\/(\d+)$/.exec(url.pathname);
  if (node && req.method === 'GET') {
    lookups.push({ url: req.url, auth });
    return wabaNodeFixture(node[1], auth, url.searchParams.get('appsecret_proof'));
  }
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
    return proofRefusal(w, url.searchParams.get('appsecret_proof')).then(
      (refused) => refused ?? Response.json({ ...wabaNumbers, data }),
    );
  }
  return null;
}

/** Serves twilio.test and graph.test from these fixtures alone (for tests without handlers of their own). */
export function installProviderFixtures() {
  installReceiver();
  for (const host of ['twilio.test', 'graph.test'])
    onHost(host, (req) => ownershipFixture(req) ?? new Response(null, { status: 404 }));
}
