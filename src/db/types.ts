// Row types and the closed value sets stored in D1 columns, kept beside the schema so every layer
// (providers, services, Durable Objects, routes) can name them without importing a service.
import type { accounts, calls } from './schema';

export const PLANS = ['starter', 'growth', 'business', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];
export const LIMIT_NAMES = [
  'calls_per_minute',
  'concurrent_calls',
  'api_per_minute',
  'webhooks_per_minute',
  'rtb_per_minute',
  'reporting_per_minute',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type Limits = Partial<Record<LimitName, number>>;

export type AccountRow = typeof accounts.$inferSelect;
/** What a request knows about its account once authenticated (no key hashes). */
export type Account = Pick<AccountRow, 'id' | 'name' | 'plan' | 'limits' | 'timezone' | 'createdAt'>;
/** The Account view of a row: the key hashes stay behind. */
export const toAccount = ({ id, name, plan, limits, timezone, createdAt }: AccountRow): Account => ({
  id,
  name,
  plan,
  limits,
  timezone,
  createdAt,
});

export type KeyMode = 'live' | 'test';

export type CallRow = typeof calls.$inferSelect;
export const CALL_STATUSES = [
  'scheduled',
  'queued',
  'initiated',
  'ringing',
  'in_progress',
  'completed',
  'busy',
  'no_answer',
  'failed',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
/** The status groups `GET /v1/calls?status=` accepts besides exact statuses. */
export const STATUS_GROUPS: Record<string, CallStatus[]> = {
  active: ['queued', 'initiated', 'ringing', 'in_progress'],
  failed: ['failed', 'busy', 'no_answer', 'canceled'],
};
export const TERMINAL_STATUSES: readonly CallStatus[] = [
  'completed',
  'busy',
  'no_answer',
  'failed',
  'canceled',
];

/** `messages.status`. */
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

/** Something a WhatsApp provider says happens later (a status, or a reply); queued as an event message. */
export type ScriptedStep =
  | { afterMs: number; kind: 'status'; status: MessageStatus; error?: string }
  | { afterMs: number; kind: 'reply'; text: string };
