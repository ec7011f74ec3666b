// Provider callbacks. No account credential: each request proves itself with the provider's signature.
import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { callForProviderStatus, messageByProviderId, numberByWhatsappId } from '../db/hot-queries';
import { getDb } from '../db/client';
import { agents, calls, phoneNumbers } from '../db/schema';
import type { AppEnv } from '../env';
import { DomainError, unauthorized } from '../lib/errors';
import { twilioConfig } from '../providers/telephony';
import { TWILIO_STATUS, twilioSignature } from '../providers/telephony/twilio';
import { fillTemplate } from '../services/call-analysis';
import { sessionFor } from '../durable-objects/stubs';
import { receiveInboundCall } from '../services/inbound';
import { applyMessageStatus, receiveMessage } from '../services/messages';
import { metaSignature, parseMetaWebhook } from '../providers/whatsapp/meta';
import { timingSafeEqual } from '../lib/crypto';
import { publicBaseUrl } from '../middleware/request-context';
import { systemCtx, withAccount } from '../services/context';

const xml = (s: string) => s.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Reads the form once and checks X-Twilio-Signature against the URL Twilio called. */
async function verifiedTwilioForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const cfg = twilioConfig(c.env);
  if (!cfg) throw new DomainError('not_found', 'Twilio is not configured');
  const type = c.req.header('Content-Type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded'))
    throw new DomainError('invalid_request', 'Expected a form-encoded Twilio callback');
  const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
  const url = new URL(c.req.url);
  const publicUrl = c.env.PUBLIC_BASE_URL
    ? `${c.env.PUBLIC_BASE_URL}${url.pathname}${url.search}`
    : url.toString();
  const expected = await twilioSignature(cfg.authToken, publicUrl, params);
  const given = c.req.header('X-Twilio-Signature') ?? '';
  if (!given || !timingSafeEqual(given, expected)) throw unauthorized('Invalid X-Twilio-Signature');
  return params;
}

function twiml(c: Context, body: string) {
  return c.body(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`, 200, {
    'Content-Type': 'text/xml',
  });
}

export function providerRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/twilio/status', async (c) => {
    const p = await verifiedTwilioForm(c);
    const status = TWILIO_STATUS[p.CallStatus ?? ''];
    if (!status) throw new DomainError('invalid_request', `Unknown CallStatus ${p.CallStatus}`, 'CallStatus');
    const callId = c.req.query('call_id');
    const db = getDb(c.env.DB);
    const call = await callForProviderStatus(db, callId, p.CallSid ?? '');
    if (!call) throw new DomainError('not_found', 'No such call');
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
    const p = await verifiedTwilioForm(c);
    const db = getDb(c.env.DB);
    let callId = c.req.query('call_id');
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

  // Meta's subscription handshake.
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

  // Statuses of sent messages and messages from customers, signed with the app secret.
  r.post('/whatsapp', async (c) => {
    const secret = c.env.META_APP_SECRET;
    if (!secret) throw new DomainError('not_found', 'WhatsApp (Meta) is not configured');
    const raw = await c.req.text();
    const given = c.req.header('X-Hub-Signature-256') ?? '';
    if (!given || !timingSafeEqual(given, await metaSignature(secret, raw)))
      throw unauthorized('Invalid X-Hub-Signature-256');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new DomainError('invalid_request', 'Malformed JSON in request body');
    }
    const db = getDb(c.env.DB);
    for (const item of parseMetaWebhook(body)) {
      for (const st of item.statuses) {
        const msg = await messageByProviderId(db, st.id);
        if (msg && st.status !== 'queued' && st.status !== 'received')
          await applyMessageStatus(systemCtx(c.env), msg.id, st.status, st.error, st.timestamp ?? undefined);
      }
      if (!item.messages.length || !item.phoneNumberId) continue;
      const number = await numberByWhatsappId(db, item.phoneNumberId);
      if (!number) continue;
      for (const m of item.messages) {
        await receiveMessage(withAccount(systemCtx(c.env), { id: number.accountId }), m.from, m.text, {
          providerMessageId: m.id,
          channel: number.number,
          provider: 'meta',
        });
      }
    }
    return c.text('ok');
  });
  return r;
}
