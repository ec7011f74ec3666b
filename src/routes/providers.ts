// Provider callbacks. No account credential: each request proves itself with the provider's signature,
// checked with the secret of the account the provider's own identifiers lead to (Twilio AccountSid + To or
// the call, Meta phone_number_id), so a request signed with another account's secret is refused.
import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { callForProviderStatus, messageByProviderId } from '../db/hot-queries';
import { accountDb, findOnShards } from '../db/shards';
import { agents, calls, phoneNumbers } from '../db/schema';
import type { AppEnv } from '../env';
import { DomainError, unauthorized } from '../lib/errors';
import {
  deploymentMeta,
  deploymentTwilio,
  metaCredentialsFor,
  metaVerifyTokenMatches,
  twilioCredentialsFor,
  type TwilioCreds,
} from '../services/provider-credentials';
import { TWILIO_STATUS, twilioSignature } from '../providers/telephony/twilio';
import { fillTemplate } from '../services/call-analysis';
import { sessionFor } from '../durable-objects/stubs';
import { receiveInboundCall } from '../services/inbound';
import { applyMessageStatus, receiveMessage } from '../services/messages';
import { metaSignature, parseMetaWebhook } from '../providers/whatsapp/meta';
import { timingSafeEqual } from '../lib/crypto';
import { publicBaseUrl } from '../middleware/request-context';
import { systemCtx, withAccount } from '../services/context';
import { ownedNumber } from '../services/number-directory';

const xml = (s: string) => s.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Reads the form once (nothing is trusted until `verifyTwilio`). */
async function twilioForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = c.req.header('Content-Type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded'))
    throw new DomainError('invalid_request', 'Expected a form-encoded Twilio callback');
  return Object.fromEntries(new URLSearchParams(await c.req.text()));
}

/** X-Twilio-Signature against the URL Twilio called, with `creds`' auth token, and AccountSid theirs. */
async function verifyTwilio(c: Context<AppEnv>, params: Record<string, string>, creds: TwilioCreds | null) {
  const url = new URL(c.req.url);
  const publicUrl = c.env.PUBLIC_BASE_URL
    ? `${c.env.PUBLIC_BASE_URL}${url.pathname}${url.search}`
    : url.toString();
  const given = c.req.header('X-Twilio-Signature') ?? '';
  const ok =
    !!creds?.authToken &&
    params.AccountSid === creds.accountSid &&
    !!given &&
    timingSafeEqual(given, await twilioSignature(creds.authToken, publicUrl, params));
  if (!ok) throw unauthorized('Invalid X-Twilio-Signature');
}

/** The Twilio credentials of the account a callback is about (null: no such account or none set). */
async function twilioCredsOf(c: Context<AppEnv>, accountId: string | undefined) {
  return accountId ? twilioCredentialsFor(withAccount(systemCtx(c.env), { id: accountId })) : null;
}

function twiml(c: Context, body: string) {
  return c.body(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`, 200, {
    'Content-Type': 'text/xml',
  });
}

export function providerRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/twilio/status', async (c) => {
    const p = await twilioForm(c);
    const callId = c.req.query('call_id');
    // Our call id or Twilio's CallSid names no account: every shard is asked at once.
    const call = await findOnShards(
      c.env,
      (db) => callForProviderStatus(db, callId, p.CallSid ?? ''),
      (row) => row.accountId,
    );
    // An unknown call is a 404 only to a request the deployment's own Twilio account signed.
    await verifyTwilio(c, p, call ? await twilioCredsOf(c, call.accountId) : deploymentTwilio(c.env));
    if (!call) throw new DomainError('not_found', 'No such call');
    const status = TWILIO_STATUS[p.CallStatus ?? ''];
    if (!status) throw new DomainError('invalid_request', `Unknown CallStatus ${p.CallStatus}`, 'CallStatus');
    const duration =
      p.CallDuration !== undefined && /^\d+$/.test(p.CallDuration) ? Number(p.CallDuration) : undefined;
    await sessionFor(c.env, call.id).providerEvent({
      status,
      duration,
      providerCallId: p.CallSid,
      endReason: status === 'completed' ? 'hangup' : status === 'in_progress' ? undefined : status,
    });
    return c.body(null, 204);
  });

  r.post('/twilio/voice', async (c) => {
    const p = await twilioForm(c);
    let callId = c.req.query('call_id');
    // Whose call: an outbound call's own account (any shard may hold it), or the account holding the
    // number called (To), named by the directory.
    const owner = callId
      ? await findOnShards(
          c.env,
          (db) => db.query.calls.findFirst({ where: eq(calls.id, callId!), columns: { accountId: true } }),
          (row) => row.accountId,
        )
      : await ownedNumber(systemCtx(c.env), 'number', p.To ?? '');
    await verifyTwilio(c, p, owner ? await twilioCredsOf(c, owner.accountId) : deploymentTwilio(c.env));
    if (!callId) {
      const inbound = await receiveInboundCall(systemCtx(c.env), {
        to: p.To ?? '',
        from: p.From ?? '',
        provider: 'twilio',
        providerCallId: p.CallSid,
        publicBaseUrl: publicBaseUrl(c),
      });
      if (!inbound || inbound.status === 'busy')
        return twiml(c, inbound ? '<Reject reason="busy"/>' : '<Reject/>');
      callId = inbound.id;
      await sessionFor(c.env, callId).providerEvent({ status: 'in_progress' });
    }
    if (!owner) return twiml(c, '<Hangup/>');
    const db = accountDb(c.env, owner.accountId);
    const call = await db.query.calls.findFirst({ where: eq(calls.id, callId) });
    if (!call) return twiml(c, '<Hangup/>');
    const agent = call.agentId
      ? await db.query.agents.findFirst({ where: eq(agents.id, call.agentId) })
      : undefined;
    // The number's defaults, then what we know of the caller, then the call's own variables.
    const number =
      call.direction === 'inbound'
        ? await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.number, call.toNumber) })
        : undefined;
    const vars = { ...(number?.variables ?? {}), ...(call.callerData ?? {}), ...call.variables };
    const greeting = agent?.firstMessage ? `<Say>${xml(fillTemplate(agent.firstMessage, vars))}</Say>` : '';
    const stream = c.env.MEDIA_STREAM_URL
      ? `<Connect><Stream url="${xml(c.env.MEDIA_STREAM_URL)}"><Parameter name="call_id" value="${xml(call.id)}"/></Stream></Connect>`
      : '';
    return twiml(c, greeting + stream);
  });

  // Meta's subscription handshake (hub.mode=subscribe, hub.verify_token, hub.challenge): the shared URL
  // answers the deployment's META_VERIFY_TOKEN only.
  r.get('/whatsapp', (c) => {
    const expected = c.env.META_VERIFY_TOKEN;
    if (!expected) throw new DomainError('not_found', 'WhatsApp (Meta) is not configured');
    if (
      c.req.query('hub.mode') !== 'subscribe' ||
      !timingSafeEqual(c.req.query('hub.verify_token') ?? '', expected)
    ) {
      throw new DomainError('forbidden', 'hub.verify_token does not match');
    }
    return c.text(c.req.query('hub.challenge') ?? '');
  });

  // An account's own Meta app (README "Provider credentials"): its callback URL names the account, and the
  // handshake is answered only for that account's own verify token. An unknown account and a wrong token get
  // the same 403, so the URL reveals nothing.
  r.get('/whatsapp/:account', async (c) => {
    const account = c.req.param('account');
    const ok =
      c.req.query('hub.mode') === 'subscribe' &&
      /^acct_[A-Za-z0-9]{1,64}$/.test(account) &&
      (await metaVerifyTokenMatches(
        withAccount(systemCtx(c.env), { id: account }),
        c.req.query('hub.verify_token') ?? '',
      ));
    if (!ok) throw new DomainError('forbidden', 'hub.verify_token does not match');
    return c.text(c.req.query('hub.challenge') ?? '');
  });

  // Statuses of sent messages and messages from customers. The phone_number_ids in the payload lead to
  // accounts (unique index); the signature must match one of their app secrets (or the deployment's, when
  // enabled), and only what belongs to an account with that same secret is applied. At an account's own
  // callback URL only that account's numbers and messages are considered.
  r.post('/whatsapp', (c) => metaWebhook(c, null));
  r.post('/whatsapp/:account', (c) => metaWebhook(c, c.req.param('account')));
  return r;
}

async function metaWebhook(c: Context<AppEnv>, onlyAccount: string | null) {
  const raw = await c.req.text();
  const given = c.req.header('X-Hub-Signature-256') ?? '';
  let body: unknown = null;
  try {
    body = JSON.parse(raw);
  } catch {
    // Judged after the signature: an unsigned body learns nothing.
  }
  const items = parseMetaWebhook(body);
  const secrets = new Map<string, Promise<string | null>>();
  const secretOf = (accountId: string) => {
    let s = secrets.get(accountId);
    if (!s) {
      s = metaCredentialsFor(withAccount(systemCtx(c.env), { id: accountId })).then(
        (m) => m?.appSecret ?? null,
        () => null,
      );
      secrets.set(accountId, s);
    }
    return s;
  };
  const ids = [...new Set(items.map((i) => i.phoneNumberId).filter((x): x is string => !!x))].slice(0, 20);
  const numbers = new Map<string, { accountId: string; number: string }>();
  for (const id of ids) {
    const n = await ownedNumber(systemCtx(c.env), 'whatsapp_id', id);
    if (n && (!onlyAccount || n.accountId === onlyAccount))
      numbers.set(id, { accountId: n.accountId, number: n.number });
  }
  const candidates = new Set<string>();
  // At an account's own callback URL its app secret always judges (a payload naming only other accounts'
  // numbers is then a 401, not "not configured").
  const own =
    onlyAccount && /^acct_[A-Za-z0-9]{1,64}$/.test(onlyAccount) ? await secretOf(onlyAccount) : null;
  if (own) candidates.add(own);
  for (const n of numbers.values()) {
    const s = await secretOf(n.accountId);
    if (s) candidates.add(s);
  }
  // The deployment's secret (when enabled) speaks only for ids no account registered (its own number).
  const fallback = onlyAccount ? null : deploymentMeta(c.env)?.appSecret;
  if (fallback && (!ids.length || ids.some((id) => !numbers.has(id)))) candidates.add(fallback);
  let signedWith: string | null = null;
  for (const s of candidates)
    if (given && timingSafeEqual(given, await metaSignature(s, raw))) signedWith = s;
  if (!signedWith) {
    if (!candidates.size) throw new DomainError('not_found', 'WhatsApp (Meta) is not configured');
    throw unauthorized('Invalid X-Hub-Signature-256');
  }
  if (body === null) throw new DomainError('invalid_request', 'Malformed JSON in request body');
  const mine = async (accountId: string) =>
    (!onlyAccount || accountId === onlyAccount) && (await secretOf(accountId)) === signedWith;
  for (const item of items) {
    for (const st of item.statuses) {
      const msg = await findOnShards(c.env, (db) => messageByProviderId(db, st.id));
      if (msg && st.status !== 'queued' && st.status !== 'received' && (await mine(msg.accountId)))
        await applyMessageStatus(
          withAccount(systemCtx(c.env), { id: msg.accountId }),
          msg.id,
          st.status,
          st.error,
          st.timestamp ?? undefined,
        );
    }
    const number = item.phoneNumberId ? numbers.get(item.phoneNumberId) : undefined;
    if (!item.messages.length || !number || !(await mine(number.accountId))) continue;
    for (const m of item.messages) {
      await receiveMessage(withAccount(systemCtx(c.env), { id: number.accountId }), m.from, m.text, {
        providerMessageId: m.id,
        channel: number.number,
        provider: 'meta',
      });
    }
  }
  return c.text('ok');
}
