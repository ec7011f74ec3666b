import { createRoute, z } from '@hono/zod-openapi';
import { authOf } from '../../middleware/auth';
import { presentAccount, rotateIngestKeys, rotateWebhookAuthKey } from '../../services/accounts';
import { effectiveLimits } from '../../services/limits';
import { errorResponses, jsonResponse, newRouter } from '../router';
import { ctxOf } from '../../middleware/auth';

export const AccountSchema = z
  .object({
    id: z.string(),
    object: z.literal('account'),
    name: z.string(),
    plan: z.enum(['starter', 'growth', 'business', 'enterprise']),
    limits: z.record(z.string(), z.number()),
    timezone: z.string(),
    created_at: z.number(),
  })
  .openapi('Account');

const OwnAccount = AccountSchema.extend({
  effective_limits: z
    .record(z.string(), z.number())
    .openapi({ description: "The plan's figures with this account's overrides applied" }),
}).openapi('OwnAccount');

const tags = ['Account'];

export function accountRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/account',
      tags,
      summary: 'The account this credential belongs to',
      responses: { 200: jsonResponse(OwnAccount, 'The account'), ...errorResponses },
    }),
    (c) => {
      const account = authOf(c).account;
      return c.json({ ...presentAccount(account), effective_limits: effectiveLimits(account) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/account/credentials/webhook_auth_key/rotate',
      tags,
      summary: 'Rotate the /call-data auth key (the old key stops working at once)',
      responses: {
        201: jsonResponse(z.object({ webhook_auth_key: z.string() }), 'The new key, shown once'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await rotateWebhookAuthKey(ctxOf(c)), 201),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/account/credentials/ingest_keys/rotate',
      tags,
      summary: 'Rotate the x-public-key / x-private-key pair for /v2/webhooks/call-events',
      responses: {
        201: jsonResponse(
          z.object({ ingest_public_key: z.string(), ingest_private_key: z.string() }),
          'The new pair, shown once',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await rotateIngestKeys(ctxOf(c)), 201),
  );
  return r;
}
