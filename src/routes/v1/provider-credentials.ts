// An account's own Twilio and Meta WhatsApp credentials (README "Provider credentials"). Write-only
// secrets: answers show public ids and the last four characters of each secret, never the secret.
import { createRoute, z } from '@hono/zod-openapi';
import {
  deleteCredential,
  getCredential,
  getMetaWebhook,
  rotateMetaVerifyToken,
  listCredentials,
  putCredential,
} from '../../services/provider-credentials';
import { publicBaseUrl } from '../../middleware/request-context';
import { errorResponse, errorResponses, jsonBody, jsonResponse, newRouter } from '../router';
import { ctxOf } from '../../middleware/auth';

const secret = (min: number, max: number, what: string) =>
  z
    .string()
    .min(min)
    .max(max)
    // The length is in the pattern too, so a generator reading the document makes valid ones.
    .regex(new RegExp(`^[\\x21-\\x7e]{${min},${max}}$`), `${what} is printable ASCII without spaces`)
    .openapi({ description: `${what}; write-only (answers show its last four characters)` });

const TwilioInput = z
  .strictObject({
    account_sid: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio Account SID is AC followed by 32 hex digits')
      .openapi({ example: 'AC00000000000000000000000000000001' }),
    auth_token: secret(16, 128, 'The auth token: Twilio signs its webhooks with it'),
    api_key: z
      .strictObject({
        sid: z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'a Twilio API key SID is SK followed by 32 hex digits'),
        secret: secret(16, 128, 'The API key secret'),
      })
      .optional()
      .openapi({
        description: 'An API key pair: when given, the REST API is called with it instead of the auth token',
      }),
  })
  .openapi('TwilioCredentialsInput', {
    description:
      'Your Twilio account: its Account SID and auth token (which verifies the webhooks Twilio signs), and optionally an API key pair for REST calls.',
  });

const WhatsAppInput = z
  .strictObject({
    waba_id: z
      .string()
      .regex(/^\d{1,32}$/, "the WhatsApp Business Account id is Meta's numeric id")
      .openapi({ example: '102290129340398' }),
    access_token: secret(16, 1024, 'A system-user access token with whatsapp_business_messaging'),
    app_secret: secret(16, 256, "The Meta app's secret (signs webhooks)"),
  })
  .openapi('WhatsAppCredentialsInput');

const times = { created_at: z.number(), updated_at: z.number() };
const TwilioCredential = z
  .object({
    object: z.literal('provider_credential'),
    provider: z.literal('twilio'),
    account_sid: z.string(),
    api_key_sid: z.string().nullable(),
    auth_token_last4: z.string().nullable(),
    api_key_secret_last4: z.string().nullable(),
    ...times,
  })
  .openapi('TwilioCredential');
const WhatsAppCredential = z
  .object({
    object: z.literal('provider_credential'),
    provider: z.literal('whatsapp'),
    waba_id: z.string(),
    access_token_last4: z.string().nullable(),
    app_secret_last4: z.string().nullable(),
    webhook_callback_url: z.string().openapi({
      description:
        "The Callback URL to enter in your Meta app's WhatsApp webhook configuration (this account's own)",
    }),
    webhook_verify_token: z.string().nullable().openapi({
      description:
        'The Verify token to enter beside it: shown in the answer to the save that generated it (the first), else null; GET /v1/provider_credentials/whatsapp/webhook shows it again',
    }),
    ...times,
  })
  .openapi('WhatsAppCredential');
const MetaWebhook = z
  .object({
    object: z.literal('meta_webhook'),
    callback_url: z.string(),
    verify_token: z.string().openapi({
      description:
        "This account's own hub.verify_token for Meta's GET subscription handshake at callback_url (no other account's token verifies it)",
    }),
  })
  .openapi('MetaWebhook');
const Credential = z.union([TwilioCredential, WhatsAppCredential]).openapi('ProviderCredential');
const ProviderParam = z.object({
  provider: z
    .enum(['twilio', 'whatsapp'])
    .openapi({ param: { name: 'provider', in: 'path' }, example: 'twilio' }),
});

const tags = ['Provider credentials'];

export function providerCredentialRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/provider_credentials',
      tags,
      summary: "The account's provider credentials (secrets shown by their last four characters)",
      responses: {
        200: jsonResponse(
          z.object({ object: z.literal('list'), data: z.array(Credential), has_more: z.boolean() }),
          'Both providers, where set',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listCredentials(ctxOf(c), publicBaseUrl(c)), 200),
  );

  r.openapi(
    createRoute({
      method: 'put',
      path: '/provider_credentials/twilio',
      tags,
      summary: 'Set the Twilio account this account calls through',
      description:
        "Creates or replaces them, once Twilio accepts them: the Account resource is fetched with the auth token (and with the API key pair when given). A secret Twilio refuses, an unknown account or one that is not `active` is a 400 naming the field; Twilio unreachable is a 503 `provider_unavailable`. Either way nothing is stored and credentials saved before keep working. Calls and inbound webhooks of this account's Twilio numbers use them from then on; changing the Account SID while Twilio numbers are registered is refused (409).",
      request: { body: jsonBody(TwilioInput) },
      responses: {
        200: jsonResponse(TwilioCredential, 'Stored (encrypted)'),
        409: errorResponse(409),
        422: errorResponse(422),
        503: errorResponse(503),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        (await putCredential(ctxOf(c), 'twilio', c.req.valid('json'), publicBaseUrl(c))) as z.infer<
          typeof TwilioCredential
        >,
        200,
      ),
  );

  r.openapi(
    createRoute({
      method: 'put',
      path: '/provider_credentials/whatsapp',
      tags,
      summary: 'Set the WhatsApp Business Account this account messages through',
      description:
        "Creates or replaces them, once Meta accepts them: the WABA is read with the token and its appsecret_proof, and every phone_number_id the account registered must still be listed in it. A refusal is a 400 naming the field; Meta unreachable is a 503 `provider_unavailable`. Either way nothing is stored and credentials saved before keep working. Messages and Meta webhooks of this account's WhatsApp numbers use them; changing the WABA while WhatsApp numbers are registered is refused (409).",
      request: { body: jsonBody(WhatsAppInput) },
      responses: {
        200: jsonResponse(WhatsAppCredential, 'Stored (encrypted)'),
        409: errorResponse(409),
        422: errorResponse(422),
        503: errorResponse(503),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        (await putCredential(ctxOf(c), 'whatsapp', c.req.valid('json'), publicBaseUrl(c))) as z.infer<
          typeof WhatsAppCredential
        >,
        200,
      ),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/provider_credentials/{provider}',
      tags,
      summary: "One provider's credentials",
      request: { params: ProviderParam },
      responses: { 200: jsonResponse(Credential, 'The credentials'), ...errorResponses },
    }),
    async (c) => c.json(await getCredential(ctxOf(c), c.req.valid('param').provider, publicBaseUrl(c)), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/provider_credentials/whatsapp/webhook',
      tags,
      summary: "Your Meta app's webhook settings: this account's callback URL and verify token",
      description:
        "Meta's subscription handshake (GET with hub.mode=subscribe, hub.verify_token, hub.challenge) at callback_url is answered with the challenge only when hub.verify_token is this verify token. The token is generated at the first save of the WhatsApp credentials and kept by later ones; POST …/webhook/rotate replaces it. It is a secret: reading it needs `credentials:write`, as changing it does (a read-only key gets 403).",
      responses: { 200: jsonResponse(MetaWebhook, 'The callback URL and verify token'), ...errorResponses },
    }),
    async (c) => c.json(await getMetaWebhook(ctxOf(c), publicBaseUrl(c)), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/provider_credentials/whatsapp/webhook/rotate',
      tags,
      summary: "Replace this account's Meta webhook verify token",
      description:
        "Makes a new verify token and answers it; the old one stops verifying Meta's subscription handshake at once (enter the new one in your Meta app's webhook settings, then Meta verifies again). Signed message and status callbacks are not affected: they are verified with the app secret. Audited as `provider_credential.rotated`.",
      responses: {
        200: jsonResponse(MetaWebhook, 'The callback URL and the new verify token'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await rotateMetaVerifyToken(ctxOf(c), publicBaseUrl(c)), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/provider_credentials/{provider}',
      tags,
      summary: "Remove one provider's credentials",
      description: 'Refused (409) while phone numbers of the account still use them.',
      request: { params: ProviderParam },
      responses: {
        200: jsonResponse(
          z.object({
            object: z.literal('provider_credential'),
            provider: z.enum(['twilio', 'whatsapp']),
            deleted: z.literal(true),
          }),
          'Deleted',
        ),
        409: errorResponse(409),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await deleteCredential(ctxOf(c), c.req.valid('param').provider), 200),
  );
  return r;
}
