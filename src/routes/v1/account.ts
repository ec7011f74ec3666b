import { createRoute, z } from '@hono/zod-openapi';
import { authOf } from '../../middleware/auth';
import { presentAccount, rotateIngestKeys, rotateWebhookAuthKey } from '../../services/accounts';
import { effectiveLimits } from '../../services/limits';
import { errorResponses, jsonBody, jsonResponse, newRouter, orNull } from '../router';
import { DAYS } from '../../lib/calling-window';
import { accountQuietHours, setQuietHours } from '../../services/quiet-hours';
import { auditContext, ctxOf } from '../../middleware/auth';
import { recordAudit } from '../../services/audit';
import {
  getRetention,
  RETENTION_DEFAULTS,
  type RETENTION_KINDS,
  updateRetention,
} from '../../services/retention';

const days = (what: string, dflt: number | null) =>
  z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .nullable()
    .openapi({
      description: `Days ${what} are kept before the cron deletes them; null keeps them forever (default ${dflt ?? 'null'}).`,
      example: dflt ?? 365,
    });
const RetentionDays = {
  events_days: days('events', RETENTION_DEFAULTS.events_days),
  webhook_deliveries_days: days(
    'webhook deliveries and their attempts',
    RETENTION_DEFAULTS.webhook_deliveries_days,
  ),
  rtb_bids_days: days('RTB bids', RETENTION_DEFAULTS.rtb_bids_days),
  calls_days: days('ended calls', RETENTION_DEFAULTS.calls_days),
} satisfies Record<(typeof RETENTION_KINDS)[number], unknown>;

const AccountSettings = z
  .object({ object: z.literal('account_settings'), retention: z.object(RetentionDays) })
  .openapi('AccountSettings');
const UpdateAccountSettings = z
  .strictObject({
    retention: z
      .strictObject({
        events_days: RetentionDays.events_days.optional(),
        webhook_deliveries_days: RetentionDays.webhook_deliveries_days.optional(),
        rtb_bids_days: RetentionDays.rtb_bids_days.optional(),
        calls_days: RetentionDays.calls_days.optional(),
      })
      .optional(),
  })
  .openapi('UpdateAccountSettings');

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

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');

const QuietHoursInput = z
  .strictObject({
    start: hhmm.openapi({
      example: '08:00',
      description: 'Calls allowed from (local time of the recipient)',
    }),
    end: hhmm.openapi({
      example: '21:00',
      description: 'until (exclusive); before start = overnight, equal to start = all day',
    }),
    days: z
      .array(z.enum(DAYS))
      .min(1)
      .max(7)
      .optional()
      .openapi({ description: 'Days calls are allowed (default: every day)' }),
    when_closed: z.enum(['refuse', 'schedule']).optional().openapi({
      description:
        'A single call outside them: refused with 422 (default), or scheduled to the next open time',
    }),
  })
  .openapi('QuietHoursInput', {
    description:
      "When calls may be placed, in each recipient's own zone (by country, and area code in North America; a number whose country spans zones only when open in all). Applies to single calls, batches and redials.",
  });

const QuietHours = z
  .object({
    ...QuietHoursInput.shape,
    when_closed: z.enum(['refuse', 'schedule']),
  })
  .openapi('QuietHours');

const OwnAccount = AccountSchema.extend({
  effective_limits: z
    .record(z.string(), z.number())
    .openapi({ description: "The plan's figures with this account's overrides applied" }),
  quiet_hours: orNull(QuietHours).openapi({ description: 'null: off (the default)' }),
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
    async (c) => {
      const account = authOf(c).account;
      const { quietHours } = await accountQuietHours(ctxOf(c));
      return c.json(
        { ...presentAccount(account), effective_limits: effectiveLimits(account), quiet_hours: quietHours },
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'put',
      path: '/account/quiet_hours',
      tags,
      summary: "Set the account's quiet hours (the local times when calls may be placed)",
      request: { body: jsonBody(QuietHoursInput) },
      responses: { 200: jsonResponse(QuietHours, 'The quiet hours now in force'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const set = await setQuietHours(ctxOf(c), { ...body, when_closed: body.when_closed ?? 'refuse' });
      return c.json(set!, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/account/quiet_hours',
      tags,
      summary: 'Turn quiet hours off',
      responses: {
        200: jsonResponse(z.object({ quiet_hours: z.null() }), 'Quiet hours are off'),
        ...errorResponses,
      },
    }),
    async (c) => {
      await setQuietHours(ctxOf(c), null);
      return c.json({ quiet_hours: null }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/account/settings',
      tags,
      summary: 'The account’s settings: how long each kind of data is kept',
      responses: { 200: jsonResponse(AccountSettings, 'The settings in effect'), ...errorResponses },
    }),
    async (c) =>
      c.json({ object: 'account_settings' as const, retention: await getRetention(ctxOf(c)) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'patch',
      path: '/account/settings',
      tags,
      summary: 'Change retention: fields sent replace the current value, null keeps that data forever',
      request: { body: jsonBody(UpdateAccountSettings) },
      responses: { 200: jsonResponse(AccountSettings, 'The settings in effect'), ...errorResponses },
    }),
    async (c) => {
      const patch = c.req.valid('json').retention ?? {};
      const { before, after } = await updateRetention(ctxOf(c), patch);
      const changed = Object.keys(patch).filter(
        (k) => before[k as keyof typeof before] !== after[k as keyof typeof after],
      );
      if (changed.length)
        await recordAudit(auditContext(c), {
          resource: 'account_settings',
          verb: 'updated',
          resourceId: null,
          data: { retention: Object.fromEntries(changed.map((k) => [k, after[k as keyof typeof after]])) },
        });
      return c.json({ object: 'account_settings' as const, retention: after }, 200);
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
