// What contract-security.test.ts needs per operation: the path parameters and body that make the owner's
// request succeed, made fresh where the operation destroys or rotates something. Keyed by operationId:
// a new operation in /openapi.json without an entry here fails the suite.
import { createRoomyAccount, type Json, request, type TestAccount, uniqueNumber } from '../helpers/harness';
import { installProviderFixtures, twilioFixtureAccount, wabaFixture } from '../helpers/provider-fixtures';
import { receiverUrl, waitFor } from '../helpers/receiver';

export interface Fixtures {
  owner: TestAccount;
  other: TestAccount;
  callId: string;
  batchId: string;
  messageId: string;
  endpointId: string;
  eventId: string;
  rtbId: string;
  routeId: string;
  sessionId: string;
  keyId: string;
  made: (path: string, body: unknown, key?: string) => Promise<Json>;
}

export interface SecurityCase {
  /** Params and body for this run (made again per run where the operation consumes them). */
  setup?: (f: Fixtures, owner: TestAccount) => Promise<{ params?: Record<string, string>; body?: unknown }>;
  /** Accounts of their own (owner and other), for operations that rotate the caller's credentials. */
  fresh?: (f: Fixtures) => Promise<TestAccount>;
  /**
   * `owned`: the body names the owner's resources, so another account gets 404. `none`: the operator
   * surface, which has no tenant. Default: 404 when the path names an owned id, else the other account's
   * own success. `unprocessable`: the body names the owner's phone number by value, which is 422.
   */
  tenancy?: 'owned' | 'none' | 'unprocessable';
}

const newCall = async (f: Fixtures, owner: TestAccount, simulate: Json = { ring_seconds: 600 }) =>
  (
    await f.made(
      '/v1/call',
      { agent_id: owner.agentId, recipient_phone: uniqueNumber('+1646'), metadata: { simulate } },
      owner.key,
    )
  ).call_id as string;

const hex = () => crypto.randomUUID().replace(/-/g, '');
// Credentials are checked with the provider when saved: each set is an account the fixture servers know.
const twilioCreds = () => {
  installProviderFixtures();
  const creds = { account_sid: `AC${hex()}`, auth_token: `tok_${hex()}` };
  twilioFixtureAccount(creds.account_sid, [[creds.account_sid, creds.auth_token]]);
  return creds;
};
const whatsappCreds = () => {
  installProviderFixtures();
  const creds = {
    waba_id: String(1e14 + Math.floor(Math.random() * 1e13)),
    access_token: `EAA${hex()}`,
    app_secret: hex(),
  };
  wabaFixture(creds.waba_id, creds.access_token, [], creds.app_secret);
  return creds;
};
async function putCreds(owner: TestAccount, provider: string, body: Json) {
  const r = await request('PUT', `/v1/provider_credentials/${provider}`, { key: owner.key, body });
  if (r.status !== 200) throw new Error(`credentials: ${r.status} ${r.text}`);
}

export const SECURITY_CASES: Record<string, SecurityCase> = {
  PostAdminAccounts: { tenancy: 'none', setup: async () => ({ body: { name: 'Sec', plan: 'starter' } }) },
  GetAdminAccountsId: { tenancy: 'none', setup: async (f) => ({ params: { id: f.owner.id } }) },
  PatchAdminAccountsId: {
    tenancy: 'none',
    setup: async (f) => ({ params: { id: f.owner.id }, body: { name: 'Renamed' } }),
  },
  PostAdminAccountsIdClerkLinks: {
    tenancy: 'none',
    setup: async (f) => ({ params: { id: f.owner.id }, body: { subject: `org_${crypto.randomUUID()}` } }),
  },

  DeleteAdminAccountsId: {
    tenancy: 'none',
    setup: async () => ({ params: { id: (await createRoomyAccount()).id } }),
  },
  PostAdminAccountsIdApiKeys: {
    tenancy: 'none',
    setup: async (f) => ({ params: { id: f.owner.id }, body: { name: 'recovery' } }),
  },

  GetV1Account: {},
  GetV1AccountSettings: {},
  PatchV1AccountSettings: { setup: async () => ({ body: { retention: { events_days: 60 } } }) },
  GetV1AuditEvents: {},
  PostV1AccountCredentialsWebhookAuthKeyRotate: { fresh: () => createRoomyAccount() },
  PostV1AccountCredentialsIngestKeysRotate: { fresh: () => createRoomyAccount() },
  PutV1AccountQuietHours: { setup: async () => ({ body: { start: '00:00', end: '00:00' } }) },
  DeleteV1AccountQuietHours: {},

  // Provider credentials: fresh accounts, so one case's PUT by the other account cannot satisfy the next GET.
  GetV1ProviderCredentials: {},
  PutV1ProviderCredentialsTwilio: {
    fresh: () => createRoomyAccount(),
    setup: async () => ({ body: twilioCreds() }),
  },
  PutV1ProviderCredentialsWhatsapp: {
    fresh: () => createRoomyAccount(),
    setup: async () => ({ body: whatsappCreds() }),
  },
  GetV1ProviderCredentialsProvider: {
    fresh: () => createRoomyAccount(),
    setup: async (_f, owner) => {
      await putCreds(owner, 'twilio', twilioCreds());
      return { params: { provider: 'twilio' } };
    },
  },
  DeleteV1ProviderCredentialsProvider: {
    fresh: () => createRoomyAccount(),
    setup: async (_f, owner) => {
      await putCreds(owner, 'whatsapp', whatsappCreds());
      return { params: { provider: 'whatsapp' } };
    },
  },
  GetV1ProviderCredentialsWhatsappWebhook: {
    fresh: () => createRoomyAccount(),
    // Another account without WhatsApp credentials has no webhook settings: 404.
    tenancy: 'owned',
    setup: async (_f, owner) => {
      await putCreds(owner, 'whatsapp', whatsappCreds());
      return {};
    },
  },
  PostV1ProviderCredentialsWhatsappWebhookRotate: {
    fresh: () => createRoomyAccount(),
    // Another account without WhatsApp credentials has no verify token to rotate: 404.
    tenancy: 'owned',
    setup: async (_f, owner) => {
      await putCreds(owner, 'whatsapp', whatsappCreds());
      return {};
    },
  },
  PostAdminProviderCredentialsReencrypt: { tenancy: 'none', setup: async () => ({ body: {} }) },

  PostV1ApiKeys: { setup: async () => ({ body: { name: 'ci' } }) },
  GetV1ApiKeys: {},
  DeleteV1ApiKeysId: {
    setup: async (f) => ({ params: { id: (await f.made('/v1/api_keys', { name: 'doomed' })).id } }),
  },
  PostV1ApiKeysIdRoll: {
    setup: async (f) => ({
      params: { id: (await f.made('/v1/api_keys', { name: 'rolled' })).id },
      body: { overlap_seconds: 60 },
    }),
  },

  PostV1Agents: { setup: async () => ({ body: { name: 'Agent', prompt: 'Be brief.' } }) },
  GetV1Agents: {},
  GetV1AgentsId: { setup: async (f) => ({ params: { id: f.owner.agentId } }) },
  PatchV1AgentsId: { setup: async (f) => ({ params: { id: f.owner.agentId }, body: { voice_id: 'v2' } }) },
  DeleteV1AgentsId: {
    setup: async (f) => ({ params: { id: (await f.made('/v1/agents', { name: 'x', prompt: 'p' })).id } }),
  },

  GetV1AgentsIdVersions: { setup: async (f) => ({ params: { id: f.owner.agentId } }) },
  GetV1AgentsIdVersionsVersion: { setup: async (f) => ({ params: { id: f.owner.agentId, version: '1' } }) },
  PostV1AgentsIdVersionsVersionRestore: {
    setup: async (f) => ({ params: { id: f.owner.agentId, version: '1' } }),
  },

  PostV1Suppressions: {
    setup: async () => ({ body: { phone: uniqueNumber('+1661'), reason: 'opted_out' } }),
  },
  PostV1SuppressionsBatch: {
    setup: async () => ({ body: { suppressions: [{ phone: uniqueNumber('+1662') }] } }),
  },
  PostV1SuppressionsImport: { setup: async () => ({ body: { csv: `phone\n${uniqueNumber('+1663')}\n` } }) },
  GetV1Suppressions: {},
  GetV1SuppressionsId: {
    setup: async (f) => ({
      params: { id: (await f.made('/v1/suppressions', { phone: uniqueNumber('+1664') })).id },
    }),
  },
  DeleteV1SuppressionsId: {
    setup: async (f) => ({
      params: { id: (await f.made('/v1/suppressions', { phone: uniqueNumber('+1665') })).id },
    }),
  },

  PostV1PhoneNumbers: { setup: async () => ({ body: { number: uniqueNumber('+1628') } }) },
  GetV1PhoneNumbers: {},
  GetV1PhoneNumbersId: { setup: async (f) => ({ params: { id: f.owner.numberId } }) },
  PatchV1PhoneNumbersId: {
    setup: async (f) => ({ params: { id: f.owner.numberId }, body: { name: 'Main' } }),
  },
  DeleteV1PhoneNumbersId: {
    setup: async (f) => ({
      params: { id: (await f.made('/v1/phone_numbers', { number: uniqueNumber('+1629') })).id },
    }),
  },

  PostV1CallsBatch: {
    tenancy: 'owned',
    setup: async (f) => ({
      body: {
        agent_id: f.owner.agentId,
        recipients: [{ phone: uniqueNumber('+1650') }],
        schedule_at: 4102444800,
      },
    }),
  },
  GetV1Batches: {},
  GetV1BatchesId: { setup: async (f) => ({ params: { id: f.batchId } }) },
  PostV1BatchesIdCancel: {
    setup: async (f) => ({
      params: {
        id: (
          await f.made('/v1/calls/batch', {
            agent_id: f.owner.agentId,
            recipients: [{ phone: uniqueNumber('+1651') }],
            schedule_at: 4102444800,
          })
        ).batch_id,
      },
    }),
  },

  PostV1Call: {
    tenancy: 'owned',
    setup: async (f) => ({ body: { agent_id: f.owner.agentId, recipient_phone: uniqueNumber('+1652') } }),
  },
  PostV1Calls: {
    tenancy: 'owned',
    setup: async (f) => ({ body: { agent_id: f.owner.agentId, recipient_phone: uniqueNumber('+1653') } }),
  },
  GetV1Calls: {},
  GetV1CallsLive: {},
  GetV1CallsId: { setup: async (f) => ({ params: { id: f.callId } }) },
  PostV1CallsIdCancel: { setup: async (f, o) => ({ params: { id: await newCall(f, o) } }) },
  PostV1CallsIdEnd: {
    setup: async (f, o) => {
      const id = await newCall(f, o);
      await waitFor(
        async () => (await request('GET', `/v1/calls/${id}`, { key: o.key })).body.status === 'ringing',
        {
          what: 'a ringing call',
        },
      );
      return { params: { id } };
    },
  },
  PostV1CallsIdConvert: {
    setup: async (f, o) => ({ params: { id: await newCall(f, o) }, body: { payout: 1 } }),
  },
  GetV1CallsIdRecording: {
    setup: async (f, o) => {
      const id = await newCall(f, o, { talk_seconds: 2 });
      await waitFor(
        async () => (await request('GET', `/v1/calls/${id}`, { key: o.key })).body.recording_url,
        {
          what: 'a recording',
        },
      );
      return { params: { id } };
    },
  },

  PostV1WebhookEndpoints: { setup: async () => ({ body: { url: receiverUrl('security') } }) },
  GetV1WebhookEndpoints: {},
  GetV1WebhookEndpointsId: { setup: async (f) => ({ params: { id: f.endpointId } }) },
  PatchV1WebhookEndpointsId: {
    setup: async (f) => ({ params: { id: f.endpointId }, body: { description: 'security table' } }),
  },
  DeleteV1WebhookEndpointsId: {
    setup: async (f) => ({
      params: { id: (await f.made('/v1/webhook_endpoints', { url: receiverUrl('security') })).id },
    }),
  },
  PostV1WebhookEndpointsIdRotateSecret: { setup: fixedEndpoint() },
  PostV1WebhookEndpointsIdTest: { setup: fixedEndpoint() },
  PostV1WebhookEndpointsIdRecover: {
    setup: async (f) => ({
      params: { id: f.endpointId },
      body: { since: Math.floor(Date.now() / 1000) - 3600 },
    }),
  },

  GetV1Events: {},
  GetV1EventsId: { setup: async (f) => ({ params: { id: f.eventId } }) },
  PostV1EventsIdRedeliver: { setup: async (f) => ({ params: { id: f.eventId } }) },

  PostV1Messages: { tenancy: 'owned', setup: async (f) => ({ body: template(f) }) },
  GetV1Messages: {},
  GetV1MessagesId: { setup: async (f) => ({ params: { id: f.messageId } }) },

  PostV1RtbEndpoints: { setup: async () => ({ body: { name: 'Publisher' } }) },
  GetV1RtbEndpoints: {},
  GetV1RtbEndpointsId: { setup: async (f) => ({ params: { id: f.rtbId } }) },
  PatchV1RtbEndpointsId: { setup: async (f) => ({ params: { id: f.rtbId }, body: { name: 'Renamed' } }) },
  DeleteV1RtbEndpointsId: {
    setup: async (f) => ({ params: { id: (await f.made('/v1/rtb_endpoints', { name: 'doomed' })).id } }),
  },
  PostV1RtbEndpointsIdRoutes: {
    setup: async (f) => ({
      params: { id: f.rtbId },
      body: { buyer: 'B', number: uniqueNumber('+1555'), payout: 5 },
    }),
  },
  GetV1RtbEndpointsIdRoutes: { setup: async (f) => ({ params: { id: f.rtbId } }) },
  GetV1RtbEndpointsIdRoutesRouteId: {
    setup: async (f) => ({ params: { id: f.rtbId, route_id: f.routeId } }),
  },
  PatchV1RtbEndpointsIdRoutesRouteId: {
    setup: async (f) => ({ params: { id: f.rtbId, route_id: f.routeId }, body: { payout: 7 } }),
  },
  DeleteV1RtbEndpointsIdRoutesRouteId: {
    setup: async (f) => {
      const route = await f.made(`/v1/rtb_endpoints/${f.rtbId}/routes`, {
        buyer: 'B',
        number: uniqueNumber('+1555'),
        payout: 5,
      });
      return { params: { id: f.rtbId, route_id: route.id } };
    },
  },

  PostV1SimulatorInboundCalls: {
    // Numbers are named by value, not id: one the account does not own is 422 naming `to`, as a
    // `from_number` it does not own is on POST /v1/call (README "The API contract").
    tenancy: 'unprocessable',
    setup: async (f) => ({ body: { from: uniqueNumber('+1654'), to: f.owner.number, talk_seconds: 1 } }),
  },
  PostV1SimulatorWhatsappMessages: {
    setup: async () => ({ body: { from: uniqueNumber('+1661'), text: 'hi' } }),
  },

  PostV1CallsInitiate: { tenancy: 'owned', setup: async (f) => ({ body: initiate(f) }) },
  PostApiV1CallsInitiate: { tenancy: 'owned', setup: async (f) => ({ body: initiate(f) }) },
  PostV1WhatsappSend: { tenancy: 'owned', setup: async (f) => ({ body: template(f) }) },
  PostApiV1WhatsappSend: { tenancy: 'owned', setup: async (f) => ({ body: template(f) }) },

  PostCallData: { setup: async () => ({ body: { caller_id: uniqueNumber('+1662'), lead_score: 5 } }) },
  PostV2WebhooksCallEvents: {
    tenancy: 'owned',
    setup: async (f, owner) => {
      // The owner's runtime call exists (its first event registered it); a later event for it is 404
      // to any other account.
      const id = `rt_${crypto.randomUUID()}`;
      const first = await request('POST', '/v2/webhooks/call-events', {
        body: { event: { type: 'call.initiate', data: { call: { id, status: 'initiate' } } } },
        headers: { 'x-public-key': owner.ingestPublicKey, 'x-private-key': owner.ingestPrivateKey },
      });
      if (first.status !== 200) throw new Error(`runtime call: ${first.status} ${first.text}`);
      return { body: { event: { type: 'call.connected', data: { call: { id, status: 'in_progress' } } } } };
    },
  },

  PostReportingAiQuery: { setup: async () => ({ body: { query: 'How many calls last week?' } }) },
  GetReportingAiSessions: {},
  GetReportingAiSessionsSessionIdMessages: { setup: async (f) => ({ params: { session_id: f.sessionId } }) },
};

function fixedEndpoint() {
  return async (f: Fixtures) => ({ params: { id: f.endpointId } });
}
const template = (f: Fixtures) => ({
  agent_id: f.owner.agentId,
  to_number: uniqueNumber('+1657'),
  message_type: 'template',
  content: { name: 'order_update', language: 'en_US' },
});
const initiate = (f: Fixtures) => ({ agent_id: f.owner.agentId, to_number: uniqueNumber('+1658') });
