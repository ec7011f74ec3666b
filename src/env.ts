import type { AccountLimiter } from './durable-objects/account-limiter';
import type { BatchDispatcher } from './durable-objects/batch-dispatcher';
import type { CallSession } from './durable-objects/call-session';
import type { RtbExchange } from './durable-objects/rtb-exchange';
import type { Account, ScriptedStep } from './db/types';

/** The Worker's bindings (wrangler.toml) and secrets (.dev.vars / `wrangler secret put`). */
export interface Env {
  /** Shard 0 and the directory (placements, number claims): src/db/shards.ts. */
  DB: D1Database;
  /** The second shard locally and in tests; a deployment lists its shard bindings in D1_SHARDS. */
  DB_SHARD_1?: D1Database;
  /** Comma-separated D1 bindings accounts are placed on (`DB` always included). Unset: `DB` alone. */
  D1_SHARDS?: string;
  /** Placement of new accounts: `hash` (stable hash of the id, default) or `fewest` (fewest placed accounts). */
  D1_PLACEMENT?: string;
  KV: KVNamespace;
  ACCOUNT_LIMITER: DurableObjectNamespace<AccountLimiter>;
  CALL_SESSION: DurableObjectNamespace<CallSession>;
  RTB_EXCHANGE: DurableObjectNamespace<RtbExchange>;
  BATCH_DISPATCHER: DurableObjectNamespace<BatchDispatcher>;
  EVENTS: Queue<EventQueueMessage>;

  ADMIN_TOKEN?: string;
  /** Signs dashboard session cookies; unset = the dashboard's API-key sign-in is off. */
  SESSION_SECRET?: string;
  TELEPHONY_PROVIDER?: string;
  WHATSAPP_PROVIDER?: string;
  SIMULATOR_TIME_SCALE?: string;
  ALLOW_PRIVATE_WEBHOOK_URLS?: string;
  /** `local` resolves webhook hosts from a built-in table (tests, development); default DNS over HTTPS. */
  WEBHOOK_DNS?: string;
  /** The DNS-over-HTTPS JSON endpoint (default https://cloudflare-dns.com/dns-query). */
  WEBHOOK_DOH_URL?: string;
  /** `test` issues sk_test_ keys, `live` sk_live_ keys. */
  API_KEY_MODE?: string;
  LOG_LEVEL?: string;
  /** `off` skips request-rate limiting (load tests only); concurrency caps always apply. */
  RATE_LIMITS?: string;
  CLERK_JWKS_URL?: string;
  CLERK_JWT_KEY?: string;
  CLERK_ISSUER?: string;
  CLERK_AUTHORIZED_PARTIES?: string;
  /** Comma-separated origins allowed by CORS; empty = no CORS headers (the dashboard is same-origin). */
  CORS_ALLOWED_ORIGINS?: string;
  DEFAULT_FROM_NUMBER?: string;
  /** Multiplies the webhook retry schedule (tests use a small value). */
  WEBHOOK_RETRY_SCALE?: string;
  /** The public origin providers call back (Twilio status callbacks, recording links). */
  PUBLIC_BASE_URL?: string;
  /** `on`: an account without its own provider credentials uses the deployment's TWILIO_* / META_* ones. Default off. */
  PROVIDER_DEFAULT_CREDENTIALS?: string;
  /** `simulator`: saved Twilio/Meta credentials are judged by the simulator (only its documented test credentials pass). Default: the provider is asked. */
  PROVIDER_CREDENTIAL_CHECK?: string;
  /** Keyring sealing provider secrets: `id:base64(32 bytes)`, comma-separated, the first encrypts (lib/secret-box.ts). */
  PROVIDER_SECRETS_KEYS?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  /** Twilio's REST base; only changed to point at a recorded-fixture server. */
  TWILIO_API_BASE?: string;
  /** A wss:// media stream URL Twilio connects answered calls to (the voice AI runtime). */
  MEDIA_STREAM_URL?: string;
  META_WHATSAPP_TOKEN?: string;
  META_APP_SECRET?: string;
  META_VERIFY_TOKEN?: string;
  META_PHONE_NUMBER_ID?: string;
  /** The deployment's WhatsApp Business Account id: numbers using the default credentials are verified in it. */
  META_WABA_ID?: string;
  /** Graph API base; only changed to point at a recorded-fixture server. */
  META_GRAPH_BASE?: string;
  /** Reporting AI: an OpenAI-compatible base URL (…/v1), key and model; or REPORTING_LLM=workers-ai with the AI binding. */
  REPORTING_LLM_URL?: string;
  REPORTING_LLM_KEY?: string;
  REPORTING_LLM_MODEL?: string;
  REPORTING_LLM?: string;
  AI?: { run(model: string, input: unknown): Promise<unknown> };
  /** Seconds past max_duration (or without change before answer) after which the cron wakes a call; default 120. */
  WATCHDOG_MARGIN_SECONDS?: string;
  /** Rows the retention purge deletes per table per cron run (default 1000). */
  RETENTION_BATCH?: string;
  /** Seconds an ended CallSession keeps its storage before deleting it (default 7 days). */
  CALL_SESSION_GRACE_SECONDS?: string;
  /** `on` counts D1 rows, Durable Object, Queue and KV calls for `npm run bench -- only=scale` (GET /__metrics). */
  BENCH_METRICS?: string;
  /** `on` lets tests arm fault points (src/lib/faults.ts); never set outside vitest.config.ts. */
  FAULT_INJECTION?: string;
}

/** Queue messages: a webhook delivery to attempt, or a simulated WhatsApp step that is due. */
export type EventQueueMessage =
  | { delivery_id: string; kind?: undefined; account_id?: string }
  | { kind: 'whatsapp_step'; message_id: string; step: ScriptedStep; account_id?: string };

export interface AuthContext {
  account: Account;
  via: 'api_key' | 'clerk' | 'session' | 'webhook_auth_key' | 'ingest_keys';
  apiKeyId?: string;
  /** The Clerk user (`sub`) behind a session token, for the audit log. */
  clerkUserId?: string;
  /** A restricted key's or Clerk role's scopes; null = full access. */
  scopes?: readonly string[] | null;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth?: AuthContext;
    /** Set once a route recorded its own audit entry (middleware/audit-trail.ts then skips it). */
    audited?: boolean;
    /** The account a log line is attributed to, once known. */
    accountId?: string;
    /** Where this request's D1 session starts: a bookmark, `first-primary` or `first-unconstrained`. */
    d1Constraint?: string;
    /** The request's D1 session, once ctxOf opened it (its bookmark goes back in X-D1-Bookmark). */
    d1Session?: D1DatabaseSession;
  };
};
