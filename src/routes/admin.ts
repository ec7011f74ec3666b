import { createRoute, z } from '@hono/zod-openapi';
import {
  createAccount,
  getAccount,
  linkClerkSubject,
  presentAccount,
  updateAccount,
} from '../services/accounts';
import { LIMIT_NAMES, PLANS } from '../db/types';
import { recompileAccount } from '../services/rtb-config';
import { createApiKey } from '../services/api-keys';
import { recordAudit } from '../services/audit';
import { auditContext } from '../middleware/auth';
import { errorResponse, errorResponses, IdParam, jsonBody, jsonResponse, newRouter } from './router';
import { nonBlank, TimeZone } from './schemas';
import { AccountSchema } from './v1/account';
import { ApiKey } from './v1/api-keys';
import { systemCtx, withAccount } from '../services/context';
import { reencryptCredentials } from '../services/provider-credentials';
import { deleteAccount } from '../services/account-deletion';
import { shardNames } from '../db/shards';
import { unprocessable } from '../lib/errors';

const Limits = z
  .strictObject(
    Object.fromEntries(
      LIMIT_NAMES.map((n) => [n, z.number().int().min(0).max(1_000_000).optional()]),
    ) as Record<(typeof LIMIT_NAMES)[number], z.ZodOptional<z.ZodNumber>>,
  )
  .openapi('AccountLimits');

const CreateAccount = z
  .strictObject({
    name: nonBlank(200),
    plan: z.enum(PLANS),
    limits: Limits.optional(),
    timezone: TimeZone.optional(),
    shard: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)
      .optional()
      .openapi({
        description:
          'Pin the new account to this D1 shard (a binding listed in D1_SHARDS); default: the placement policy',
        example: 'DB_SHARD_1',
      }),
  })
  .openapi('CreateAccount');
const UpdateAccount = CreateAccount.omit({ shard: true }).partial().openapi('UpdateAccount');

const CreatedAccount = z
  .object({
    account: AccountSchema,
    api_key: z.string(),
    webhook_auth_key: z.string(),
    ingest_public_key: z.string(),
    ingest_private_key: z.string(),
    shard: z.string().openapi({ description: 'The D1 shard the account lives on', example: 'DB' }),
  })
  .openapi('CreatedAccount');

const Id = IdParam('account', 'acct_123');
const tags = ['Operator'];
const security = [{ admin: [] }];

/** The operator's surface: bootstrap accounts, change plans, link Clerk organisations. */
export function adminRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/accounts',
      tags,
      security,
      summary: 'Create an account and its first credentials (shown once)',
      request: { body: jsonBody(CreateAccount) },
      responses: {
        201: jsonResponse(CreatedAccount, 'The account with its secrets'),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) => {
      const mode = c.env.API_KEY_MODE === 'live' ? 'live' : 'test';
      const { shard, ...input } = c.req.valid('json');
      if (shard && !shardNames(c.env).includes(shard))
        // The document cannot know the deployment's bindings: a well-formed name that is not one is 422.
        throw unprocessable(`shard must be one of ${shardNames(c.env).join(', ')}`, 'shard');
      return c.json(await createAccount(systemCtx(c.env), input, mode, shard), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}',
      tags,
      security,
      summary: 'Retrieve an account',
      request: { params: Id },
      responses: { 200: jsonResponse(AccountSchema, 'The account'), ...errorResponses },
    }),
    async (c) => c.json(presentAccount(await getAccount(systemCtx(c.env), c.req.valid('param').id)), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch',
      path: '/accounts/{id}',
      tags,
      security,
      summary: 'Change an account’s plan, limits, name or time zone',
      request: { params: Id, body: jsonBody(UpdateAccount) },
      responses: { 200: jsonResponse(AccountSchema, 'The account'), ...errorResponses },
    }),
    async (c) => {
      const ctx = systemCtx(c.env);
      const account = await updateAccount(ctx, c.req.valid('param').id, c.req.valid('json'));
      await recompileAccount(withAccount(ctx, account)); // compiled RTB entries carry the account's rtb limit
      return c.json(presentAccount(account), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/accounts/{id}',
      tags,
      security,
      summary:
        'Delete an account and everything it owns (rows, Durable Objects, KV entries); keys stop at once',
      request: { params: Id },
      responses: {
        200: jsonResponse(
          z
            .object({
              id: z.string(),
              object: z.literal('account'),
              deleted: z.literal(true),
              removed: z
                .record(z.string(), z.number())
                .openapi({ description: 'Rows per table, and Durable Objects and KV entries, removed' }),
            })
            .openapi('DeletedAccount'),
          'The account is gone',
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await deleteAccount(withAccount(systemCtx(c.env), { id: c.req.valid('param').id })), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/clerk_links',
      tags,
      security,
      summary: 'Map a Clerk organisation (org_id) or user (sub) to the account',
      request: {
        params: Id,
        body: jsonBody(
          z.strictObject({ subject: z.string().min(1).max(200).openapi({ example: 'org_2abc' }) }),
        ),
      },
      responses: {
        201: jsonResponse(
          z.object({
            object: z.literal('clerk_link'),
            subject: z.string(),
            account_id: z.string(),
            created_at: z.number(),
          }),
          'Linked',
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        await linkClerkSubject(
          withAccount(systemCtx(c.env), { id: c.req.valid('param').id }),
          c.req.valid('json').subject,
        ),
        201,
      ),
  );
  r.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/api_keys',
      tags,
      security,
      summary: 'Issue a recovery API key (full access) for an account that lost its keys',
      request: {
        params: Id,
        body: jsonBody(
          z.strictObject({
            name: z.string().max(200).nullable().optional(),
            mode: z.enum(['live', 'test']).optional(),
          }),
          false,
        ),
      },
      responses: { 201: jsonResponse(ApiKey, 'The new key, with its plaintext'), ...errorResponses },
    }),
    async (c) => {
      const ctx = systemCtx(c.env);
      const account = await getAccount(ctx, c.req.valid('param').id);
      const body = c.req.valid('json') ?? {};
      const mode = body.mode ?? (c.env.API_KEY_MODE === 'live' ? 'live' : 'test');
      const key = await createApiKey(withAccount(ctx, account), mode, body.name ?? 'Recovery key', {
        createdBy: 'admin',
      });
      await recordAudit(auditContext(c, account.id), {
        resource: 'api_key',
        verb: 'created',
        resourceId: key.id,
        data: { name: key.name, mode, scopes: null, last4: key.last4, recovery: true },
      });
      return c.json(key, 201);
    },
  );
  r.openapi(
    createRoute({
      method: 'post',
      path: '/provider_credentials/reencrypt',
      tags,
      security,
      summary: 'Re-seal provider secrets under the current key (call until remaining is 0)',
      description:
        'After putting a new key first in PROVIDER_SECRETS_KEYS: re-encrypts up to `limit` rows sealed under older keys. Remove an old key only once this answers remaining 0.',
      request: {
        body: jsonBody(z.strictObject({ limit: z.number().int().min(1).max(500).optional() }), false),
      },
      responses: {
        200: jsonResponse(
          z.object({
            object: z.literal('reencryption'),
            reencrypted: z.number(),
            remaining: z.number(),
            key_id: z.string(),
          }),
          'What was re-sealed and what is left',
        ),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = (c.req.valid('json') ?? {}) as { limit?: number };
      const done = await reencryptCredentials(systemCtx(c.env), body.limit ?? 100);
      return c.json({ object: 'reencryption' as const, ...done }, 200);
    },
  );
  return r;
}
