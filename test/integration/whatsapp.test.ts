import { beforeAll, describe, expect, it } from 'vitest';
import { metaSignature } from '../../src/providers/whatsapp/meta';
import { createRoomyAccount, expectEnvelope, request, type TestAccount } from '../helpers/harness';
import { installReceiver, onHost, waitFor } from '../helpers/receiver';
import { metaProof, ownershipFixture, wabaFixture } from '../helpers/provider-fixtures';
import sendResponse from '../fixtures/meta/send-message.response.json';
import statusWebhook from '../fixtures/meta/status-webhook.json';
import inboundWebhook from '../fixtures/meta/inbound-webhook.json';

let a: TestAccount;
beforeAll(async () => {
  installReceiver();
  a = await createRoomyAccount();
});

const template = (to: string, agent = a.agentId) => ({
  agent_id: agent,
  to_number: to,
  message_type: 'template',
  content: { name: 'appointment_reminder', language: 'en_US', parameters: ['Rahul', 'Tuesday'] },
});
const eventsOf = async (acct: TestAccount, type?: string) =>
  (await request('GET', `/v1/events?limit=100${type ? `&type=${type}` : ''}`, { key: acct.key })).body
    .data as any[];
const messageEvents = async (acct: TestAccount, id: string) =>
  (await eventsOf(acct))
    .filter((e) => e.data.message?.id === id)
    .map((e) => e.type)
    .reverse();

describe('POST /api/v1/whatsapp/send (CallAI)', () => {
  it('sends a template and reports sent → delivered → read', async () => {
    const r = await request('POST', '/api/v1/whatsapp/send', { key: a.key, body: template('+14155550180') });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({
      status: 'success',
      data: { message_id: expect.stringMatching(/^msg_/), status: 'queued' },
    });
    const id = r.body.data.message_id;
    await waitFor(
      async () => (await request('GET', `/v1/messages/${id}`, { key: a.key })).body.status === 'read',
      { what: 'read' },
    );
    expect(await messageEvents(a, id)).toEqual(['message.sent', 'message.delivered', 'message.read']);
    const msg = (await request('GET', `/v1/messages/${id}`, { key: a.key })).body;
    expect(msg).toMatchObject({
      direction: 'outbound',
      to_number: '+14155550180',
      message_type: 'template',
      agent_id: a.agentId,
      sent_at: expect.any(Number),
      read_at: expect.any(Number),
    });
  });

  it('free-form text outside the 24 h window is 422 naming message_type', async () => {
    const r = await request('POST', '/api/v1/whatsapp/send', {
      key: a.key,
      body: { agent_id: a.agentId, to_number: '+14155550181', message_type: 'text', content: 'Hello!' },
    });
    expect(r.status).toBe(422);
    expect(expectEnvelope(r)).toMatchObject({ code: 'unprocessable', param: 'message_type' });
  });

  it('a reply arrives as message.received for the right agent, and opens the window for text', async () => {
    const other = (
      await request('POST', '/v1/agents', { key: a.key, body: { name: 'Support', prompt: 'Help' } })
    ).body.id;
    await request('POST', '/api/v1/whatsapp/send', { key: a.key, body: template('+15005550005', other) });
    const received = await waitFor(
      async () =>
        (await eventsOf(a, 'message.received')).find((e) => e.data.message.from_number === '+15005550005'),
      { what: 'reply' },
    );
    expect(received.data).toMatchObject({
      agent_id: other,
      message: {
        direction: 'inbound',
        content: 'Yes, that works for me. Thanks!',
        status: 'received',
        agent_id: other,
      },
    });
    const text = await request('POST', '/api/v1/whatsapp/send', {
      key: a.key,
      body: {
        agent_id: other,
        to_number: '+15005550005',
        message_type: 'text',
        content: 'Great, see you then.',
      },
    });
    expect(text.status).toBe(200);
  });

  it('a number that is not on WhatsApp fails with message.failed', async () => {
    const r = await request('POST', '/v1/messages', { key: a.key, body: template('+15005550001') });
    expect(r.status).toBe(201);
    await waitFor(
      async () =>
        (await request('GET', `/v1/messages/${r.body.id}`, { key: a.key })).body.status === 'failed',
    );
    expect(await messageEvents(a, r.body.id)).toEqual(['message.failed']);
    expect((await request('GET', `/v1/messages/${r.body.id}`, { key: a.key })).body.error).toContain(
      '131026',
    );
  });

  it('validates content against message_type', async () => {
    const cases: Array<[unknown, string]> = [
      [
        {
          agent_id: a.agentId,
          to_number: '+14155550182',
          message_type: 'text',
          content: { name: 'x', language: 'en' },
        },
        'content',
      ],
      [
        { agent_id: a.agentId, to_number: '+14155550182', message_type: 'template', content: 'hi' },
        'content',
      ],
      [
        { agent_id: a.agentId, to_number: '+14155550182', message_type: 'sms', content: 'hi' },
        'message_type',
      ],
      [{ agent_id: a.agentId, to_number: '0800', message_type: 'text', content: 'hi' }, 'to_number'],
    ];
    for (const [body, param] of cases) {
      const r = await request('POST', '/api/v1/whatsapp/send', { key: a.key, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(expectEnvelope(r).param).toBe(param);
    }
    expect(
      (
        await request('POST', '/api/v1/whatsapp/send', {
          key: a.key,
          body: template('+14155550182', 'agent_nope'),
        })
      ).status,
    ).toBe(404);
  });

  it('a customer writing first opens the window; GET /v1/messages filters the conversation', async () => {
    await request('POST', '/v1/simulator/whatsapp_messages', {
      key: a.key,
      body: { from: '+14155550183', text: 'Hi, I have a question' },
    });
    const r = await request('POST', '/v1/messages', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        to_number: '+14155550183',
        message_type: 'text',
        content: 'Sure, ask away.',
      },
    });
    expect(r.status).toBe(201);
    const convo = (await request('GET', '/v1/messages?contact=%2B14155550183', { key: a.key })).body;
    expect(convo.data.map((m: any) => m.direction)).toEqual(['outbound', 'inbound']);
  });
});

describe('Meta WhatsApp Cloud API (recorded fixtures)', () => {
  const graph: Array<{ url: string; auth: string | null; body: any }> = [];
  let meta: TestAccount;
  const PHONE_NUMBER_ID = '106540352242922';
  const post = async (payload: unknown, signature?: string) => {
    const raw = JSON.stringify(payload);
    return request('POST', '/providers/whatsapp', {
      raw,
      headers: {
        'Content-Type': 'application/json',
        'X-Hub-Signature-256': signature ?? (await metaSignature('test_meta_app_secret', raw)),
      },
    });
  };

  beforeAll(async () => {
    wabaFixture('102290129340398', 'test_meta_token', [{ id: PHONE_NUMBER_ID, display: '+1 555-078-3881' }]);
    onHost('graph.test', async (req) => {
      const owned = ownershipFixture(req);
      if (owned) return owned;
      graph.push({ url: req.url, auth: req.headers.get('Authorization'), body: await req.json() });
      return Response.json(sendResponse);
    });
    meta = await createRoomyAccount();
    const pn = await request('POST', '/v1/phone_numbers', {
      key: meta.key,
      body: { number: '+15550783881', whatsapp_phone_number_id: PHONE_NUMBER_ID },
    });
    expect(pn.status, pn.text).toBe(201);
  });

  it('sends a template through the Graph API', async () => {
    const r = await request('POST', '/api/v1/whatsapp/send', {
      key: meta.key,
      body: template('+14155550180', meta.agentId),
    });
    expect(r.status).toBe(200);
    const sent = graph.at(-1)!;
    // With the deployment's app secret (META_APP_SECRET), the token travels with its appsecret_proof.
    expect(sent.url).toBe(
      `https://graph.test/v21.0/${PHONE_NUMBER_ID}/messages?appsecret_proof=${await metaProof('test_meta_app_secret', 'test_meta_token')}`,
    );
    expect(sent.auth).toBe('Bearer test_meta_token');
    expect(sent.body).toEqual({
      messaging_product: 'whatsapp',
      to: '14155550180',
      type: 'template',
      template: {
        name: 'appointment_reminder',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Rahul' },
              { type: 'text', text: 'Tuesday' },
            ],
          },
        ],
      },
    });
  });

  it('applies a signed status callback; a bad signature is 401', async () => {
    const msgs = (await request('GET', '/v1/messages?direction=outbound', { key: meta.key })).body.data;
    const id = msgs[0].id;
    expect((await post(statusWebhook, 'sha256=' + '0'.repeat(64))).status).toBe(401);
    expect((await request('GET', `/v1/messages/${id}`, { key: meta.key })).body.status).toBe('queued');
    expect((await post(statusWebhook)).status).toBe(200);
    expect((await request('GET', `/v1/messages/${id}`, { key: meta.key })).body).toMatchObject({
      status: 'delivered',
      delivered_at: 1795263600,
    });
    await post(statusWebhook); // again: nothing changes, no second event
    expect(await messageEvents(meta, id)).toEqual(['message.delivered']);
  });

  it('an inbound message reaches the right account and agent, once', async () => {
    expect((await post(inboundWebhook)).status).toBe(200);
    await post(inboundWebhook);
    const received = await eventsOf(meta, 'message.received');
    expect(received).toHaveLength(1);
    expect(received[0].data).toMatchObject({
      agent_id: meta.agentId,
      message: { from_number: '+14155550180', content: 'Can we move it to Thursday?' },
    });
  });

  it('answers the subscription handshake only with the verify token', async () => {
    const ok = await request(
      'GET',
      '/providers/whatsapp?hub.mode=subscribe&hub.verify_token=test_meta_verify_token&hub.challenge=1158201444',
    );
    expect(ok.text).toBe('1158201444');
    expect(
      (await request('GET', '/providers/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1'))
        .status,
    ).toBe(403);
  });
});
