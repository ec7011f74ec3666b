// The D1 schema. `npm run db:generate` turns changes here into a SQL migration in migrations/.
// Times are unix seconds (integers) unless the column name ends in _ms.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export type AnalysisField = {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'integer' | 'array' | 'object';
  description?: string;
};

export type RetentionOverrides = Partial<
  Record<'events_days' | 'webhook_deliveries_days' | 'rtb_bids_days' | 'calls_days', number | null>
>;
/** The agent configuration a provider receives with a dial. */
export type DialAgent = {
  version: number;
  prompt: string;
  first_message: string | null;
  voice_id: string | null;
};

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

/** A redial policy (README "Redials"): per outcome, how many more attempts and how long after. */
export type RedialRule = { attempts: number; after_seconds: number };
export type RedialPolicy = Partial<Record<'busy' | 'no_answer' | 'voicemail' | 'failed', RedialRule>>;
/** The account's quiet hours (README "Quiet hours"): local times in the recipient's zone when calls may be placed. */
export type QuietHours = {
  start: string;
  end: string;
  days?: Array<'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat'>;
  when_closed: 'refuse' | 'schedule';
};

export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    plan: text('plan', { enum: ['starter', 'growth', 'business', 'enterprise'] }).notNull(),
    limits: json<Record<string, number>>('limits').notNull().default(sql`'{}'`),
    timezone: text('timezone').notNull().default('UTC'),
    /** null = off. */
    quietHours: json<QuietHours>('quiet_hours'),
    /** Retention overrides in days (services/retention.ts has the defaults); null keeps that data forever. */
    retention: json<RetentionOverrides>('retention').notNull().default(sql`'{}'`),
    webhookAuthKeyHash: text('webhook_auth_key_hash').notNull(),
    ingestPublicKeyHash: text('ingest_public_key_hash').notNull(),
    ingestPrivateKeyHash: text('ingest_private_key_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('accounts_webhook_auth_key_hash').on(t.webhookAuthKeyHash),
    uniqueIndex('accounts_ingest_public_key_hash').on(t.ingestPublicKeyHash),
  ],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name'),
    mode: text('mode', { enum: ['live', 'test'] }).notNull(),
    prefix: text('prefix').notNull(),
    last4: text('last4').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    lastUsedAt: integer('last_used_at'),
    /** A restricted key's scopes (`calls:write`, `*:read`, …); null = full access. */
    scopes: json<string[]>('scopes'),
    /** Who made the key: `admin` for an operator recovery key, else the creating key or Clerk user. */
    createdBy: text('created_by'),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash').on(t.keyHash),
    index('api_keys_account').on(t.accountId, t.createdAt),
  ],
);

/** Who changed what: keys, webhook endpoints, numbers, credentials, RTB routes, agents. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    /** `api_key`, `clerk` or `admin`; actorId is the key id, the Clerk user id, or null for admin. */
    actorType: text('actor_type', { enum: ['api_key', 'clerk', 'admin', 'system'] }).notNull(),
    actorId: text('actor_id'),
    /** `<resource>.<verb>`, e.g. `api_key.created`, `webhook_endpoint.deleted`. */
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    requestId: text('request_id'),
    data: json<Record<string, unknown>>('data'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('audit_events_account').on(t.accountId, t.createdAt, t.id)],
);

export const clerkLinks = sqliteTable('clerk_links', {
  subject: text('subject').primaryKey(),
  accountId: text('account_id')
    .notNull()
    .references(() => accounts.id),
  createdAt: integer('created_at').notNull(),
});

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name').notNull(),
    prompt: text('prompt').notNull(),
    firstMessage: text('first_message'),
    voiceId: text('voice_id'),
    language: text('language').notNull().default('en-US'),
    status: text('status', { enum: ['active', 'inactive'] })
      .notNull()
      .default('active'),
    maxDuration: integer('max_duration').notNull().default(1800),
    analysisSchema: json<AnalysisField[]>('analysis_schema').notNull().default(sql`'[]'`),
    metadata: json<Record<string, unknown>>('metadata').notNull().default(sql`'{}'`),
    /** The default redial policy of calls and batches with this agent that set none. */
    redial: json<RedialPolicy>('redial'),
    /** The current row of agent_versions (what new calls use). */
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('agents_account').on(t.accountId, t.createdAt)],
);

/** What an agent says, frozen: one row per change to prompt, first message, voice or analysis schema. */
export const agentVersions = sqliteTable(
  'agent_versions',
  {
    agentId: text('agent_id').notNull(),
    version: integer('version').notNull(),
    accountId: text('account_id').notNull(),
    prompt: text('prompt').notNull(),
    firstMessage: text('first_message'),
    voiceId: text('voice_id'),
    analysisSchema: json<AnalysisField[]>('analysis_schema').notNull().default(sql`'[]'`),
    /** Set when this version was made by restoring an older one. */
    restoredFrom: integer('restored_from'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.version] })],
);

/** Numbers an account must not call (`call`), message (`whatsapp`) or either (`all`). */
export const suppressions = sqliteTable(
  'suppressions',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    phone: text('phone').notNull(),
    channel: text('channel', { enum: ['call', 'whatsapp', 'all'] }).notNull(),
    reason: text('reason', { enum: ['opted_out', 'do_not_call', 'complained', 'other'] }).notNull(),
    source: text('source'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('suppressions_account_phone_channel').on(t.accountId, t.phone, t.channel),
    index('suppressions_account_created').on(t.accountId, t.createdAt, t.id),
  ],
);

export const phoneNumbers = sqliteTable(
  'phone_numbers',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    number: text('number').notNull(),
    provider: text('provider', { enum: ['simulator', 'twilio'] }).notNull(),
    agentId: text('agent_id'),
    rtbRouteId: text('rtb_route_id'),
    /** Meta's phone number id when this number is also a WhatsApp Business number. */
    whatsappPhoneNumberId: text('whatsapp_phone_number_id'),
    name: text('name'),
    /** Default template variables for calls to this number (e.g. the greeting's {{name}}); a lead's fields win. */
    variables: json<Record<string, string | number | boolean>>('variables').notNull().default(sql`'{}'`),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('phone_numbers_number').on(t.number),
    uniqueIndex('phone_numbers_whatsapp_id').on(t.whatsappPhoneNumberId),
    index('phone_numbers_account').on(t.accountId, t.createdAt),
    index('phone_numbers_whatsapp').on(t.whatsappPhoneNumberId),
  ],
);

/** An account's own Twilio or Meta credentials: secrets only as AES-GCM ciphertext (lib/secret-box.ts). */
export const providerCredentials = sqliteTable(
  'provider_credentials',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    provider: text('provider', { enum: ['twilio', 'whatsapp'] }).notNull(),
    /** Twilio's Account SID or Meta's WABA id. */
    externalId: text('external_id').notNull(),
    /** Public parts (API key SID) and the secrets' last four characters. */
    details: json<Record<string, string | null>>('details').notNull().default(sql`'{}'`),
    keyId: text('key_id').notNull(),
    ciphertext: text('ciphertext').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** WhatsApp: SHA-256 (hex) of the account's Meta webhook verify token (the token is sealed in ciphertext). */
    verifyTokenHash: text('verify_token_hash'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.provider] }),
    index('provider_credentials_key').on(t.keyId),
    uniqueIndex('provider_credentials_verify_token').on(t.verifyTokenHash),
  ],
);

export const calls = sqliteTable(
  'calls',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    agentId: text('agent_id'),
    batchId: text('batch_id'),
    direction: text('direction', { enum: ['outbound', 'inbound'] }).notNull(),
    fromNumber: text('from_number'),
    toNumber: text('to_number').notNull(),
    status: text('status').notNull(),
    endReason: text('end_reason'),
    provider: text('provider').notNull(),
    providerCallId: text('provider_call_id'),
    maxDuration: integer('max_duration').notNull(),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    answeredAt: integer('answered_at'),
    endedAt: integer('ended_at'),
    duration: integer('duration'),
    transcript: json<Array<{ role: string; text: string; at: number }>>('transcript'),
    summary: text('summary'),
    sentiment: text('sentiment', { enum: ['positive', 'neutral', 'negative'] }),
    outcome: text('outcome'),
    analysis: json<Record<string, unknown>>('analysis'),
    recordingUrl: text('recording_url'),
    variables: json<Record<string, unknown>>('variables').notNull().default(sql`'{}'`),
    metadata: json<Record<string, unknown>>('metadata').notNull().default(sql`'{}'`),
    callerData: json<Record<string, unknown>>('caller_data'),
    converted: integer('converted', { mode: 'boolean' }).notNull().default(false),
    payout: real('payout'),
    rtb: json<Record<string, unknown>>('rtb'),
    hangupBy: text('hangup_by'),
    /** What an external voice runtime reported beyond the call itself: detail URL, credits, report. */
    external: json<Record<string, unknown>>('external'),
    /** 1 for the first call to a recipient, 2… for its redials; they share first_call_id (null on attempt 1). */
    attempt: integer('attempt').notNull().default(1),
    firstCallId: text('first_call_id'),
    /** A single call's redial policy (a batch's calls follow the batch's). */
    redial: json<RedialPolicy>('redial'),
    /** status `scheduled`: when it will be dialled (quiet hours, or a redial). */
    scheduledAt: integer('scheduled_at'),
    /** When the redial that follows this call is (or was) due; set once it is scheduled. */
    nextAttemptAt: integer('next_attempt_at'),
    /** The agent version this call used (null for inbound calls without an agent and external calls). */
    agentVersion: integer('agent_version'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Leads with (account_id, created_at) for lists and cursors, and carries the columns the reporting
    // views read so a question over a period never looks up the table (migration 0061).
    index('calls_account_created_covering').on(
      t.accountId,
      t.createdAt,
      t.direction,
      t.status,
      t.answeredAt,
      t.duration,
      t.converted,
      t.payout,
      t.outcome,
      t.sentiment,
      t.agentId,
      t.batchId,
      t.fromNumber,
      t.toNumber,
    ),
    index('calls_account_status').on(t.accountId, t.status),
    index('calls_account_agent').on(t.accountId, t.agentId),
    index('calls_account_batch').on(t.accountId, t.batchId),
    index('calls_batch_status').on(t.batchId, t.status),
    index('calls_provider_call_id').on(t.providerCallId),
    index('calls_scheduled').on(t.status, t.scheduledAt),
  ],
);

export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    accountId: text('account_id').notNull(),
    route: text('route').notNull(),
    key: text('key').notNull(),
    bodyHash: text('body_hash').notNull(),
    state: text('state', { enum: ['in_flight', 'done'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: integer('created_at').notNull(),
    lockedUntil: integer('locked_until').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.route, t.key] }),
    index('idempotency_keys_created').on(t.createdAt),
  ],
);

export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types this endpoint receives; ["*"] = all. */
    events: json<string[]>('events').notNull(),
    status: text('status', { enum: ['enabled', 'disabled'] }).notNull(),
    disabledReason: text('disabled_reason'),
    // The signing secret must be readable to sign (HMAC), so it is stored, never returned after creation.
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: integer('previous_secret_expires_at'),
    /** When the current run of failed deliveries began; 5 days of it disables the endpoint. */
    failingSince: integer('failing_since'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('webhook_endpoints_account').on(t.accountId, t.createdAt)],
);

export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    type: text('type').notNull(),
    /** Makes emitting idempotent: one event per (call, type), per message status, … */
    dedupeKey: text('dedupe_key'),
    callId: text('call_id'),
    data: json<Record<string, unknown>>('data').notNull(),
    createdAt: integer('created_at').notNull(),
    createdAtMs: integer('created_at_ms').notNull(),
  },
  (t) => [
    index('events_account_created').on(t.accountId, t.createdAtMs),
    index('events_call').on(t.callId),
    uniqueIndex('events_dedupe').on(t.accountId, t.dedupeKey),
  ],
);

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at_ms'),
    lockedUntil: integer('locked_until_ms'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    completedAt: integer('completed_at'),
  },
  (t) => [
    uniqueIndex('deliveries_event_endpoint').on(t.eventId, t.endpointId),
    index('deliveries_pending').on(t.status, t.nextAttemptAt),
    index('deliveries_endpoint').on(t.endpointId, t.status),
    index('deliveries_account_created').on(t.accountId, t.createdAt),
  ],
);

export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id),
    attemptedAt: integer('attempted_at').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    responseBody: text('response_body'),
    error: text('error'),
  },
  (t) => [index('delivery_attempts_delivery').on(t.deliveryId, t.attemptedAt)],
);

/** Lead data pushed to /call-data, one record per account and phone number; fields merge, later wins. */
export const leads = sqliteTable(
  'leads',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    phone: text('phone').notNull(),
    data: json<Record<string, unknown>>('data').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.phone] })],
);

/** Incoming webhook deliveries already applied, so a replay changes nothing. */
export const ingestEvents = sqliteTable(
  'ingest_events',
  {
    accountId: text('account_id').notNull(),
    source: text('source').notNull(),
    key: text('key').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.source, t.key] }),
    index('ingest_events_created').on(t.createdAt),
  ],
);

export const batches = sqliteTable(
  'batches',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    agentId: text('agent_id').notNull(),
    name: text('name'),
    status: text('status', { enum: ['scheduled', 'running', 'completed', 'canceled'] }).notNull(),
    scheduleAt: integer('schedule_at'),
    fromNumber: text('from_number'),
    maxDuration: integer('max_duration'),
    callingWindow: json<Record<string, unknown>>('calling_window'),
    metadata: json<Record<string, unknown>>('metadata').notNull().default(sql`'{}'`),
    redial: json<RedialPolicy>('redial'),
    totalRecipients: integer('total_recipients').notNull(),
    duplicatesRemoved: integer('duplicates_removed').notNull(),
    /** The agent version every call of the batch uses: pinned, or the current one when it was created. */
    agentVersion: integer('agent_version'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    completedAt: integer('completed_at'),
  },
  (t) => [index('batches_account_created').on(t.accountId, t.createdAt)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    agentId: text('agent_id'),
    direction: text('direction', { enum: ['outbound', 'inbound'] }).notNull(),
    /** The customer's number (recipient of outbound, sender of inbound). */
    contact: text('contact').notNull(),
    /** The business number or WhatsApp phone number id the message went through. */
    channel: text('channel'),
    messageType: text('message_type', { enum: ['text', 'template'] }).notNull(),
    content: json<unknown>('content').notNull(),
    status: text('status', { enum: ['queued', 'sent', 'delivered', 'read', 'failed', 'received'] }).notNull(),
    provider: text('provider', { enum: ['simulator', 'meta'] }).notNull(),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    metadata: json<Record<string, unknown>>('metadata').notNull().default(sql`'{}'`),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    deliveredAt: integer('delivered_at'),
    readAt: integer('read_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('messages_account_created').on(t.accountId, t.createdAt),
    index('messages_account_contact').on(t.accountId, t.contact, t.createdAt),
    index('messages_provider_id').on(t.providerMessageId),
  ],
);

/** Per account and customer number: when they last wrote (the 24 h window) and which agent talks to them. */
export const whatsappContacts = sqliteTable(
  'whatsapp_contacts',
  {
    accountId: text('account_id').notNull(),
    phone: text('phone').notNull(),
    lastInboundAt: integer('last_inbound_at'),
    lastAgentId: text('last_agent_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.phone] })],
);

export const rtbEndpoints = sqliteTable(
  'rtb_endpoints',
  {
    id: text('id').primaryKey(),
    /** The unguessable id publishers ping at /inbound_rtb/{rtb_id}. */
    rtbId: text('rtb_id').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name').notNull(),
    campaignName: text('campaign_name'),
    bidTtlSeconds: integer('bid_ttl_seconds').notNull().default(60),
    requireCallerId: integer('require_caller_id', { mode: 'boolean' }).notNull().default(false),
    maxRoutes: integer('max_routes'),
    status: text('status', { enum: ['enabled', 'disabled'] }).notNull(),
    /** Bumped on every change to the endpoint or its routes; the compiled KV entry carries it. */
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('rtb_endpoints_rtb_id').on(t.rtbId),
    index('rtb_endpoints_account').on(t.accountId, t.createdAt),
  ],
);

export type RtbSchedule = {
  timezone: string;
  hours: Partial<Record<'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat', Array<[string, string]>>>;
};
export type RtbGeoSet = { states?: string[]; zips?: string[]; area_codes?: string[] };
export type RtbGeo = { include?: RtbGeoSet; exclude?: RtbGeoSet };
export type RtbCaps = { hourly?: number; daily?: number; monthly?: number; concurrency?: number };

export const rtbRoutes = sqliteTable(
  'rtb_routes',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => rtbEndpoints.id),
    accountId: text('account_id').notNull(),
    buyer: text('buyer').notNull(),
    number: text('number').notNull(),
    payout: real('payout').notNull(),
    duration: integer('duration'),
    payoutCondition: text('payout_condition', { enum: ['connected'] }),
    payoutConditionDuration: integer('payout_condition_duration'),
    priority: integer('priority').notNull().default(1),
    weight: integer('weight').notNull().default(1),
    schedule: json<RtbSchedule>('schedule'),
    geo: json<RtbGeo>('geo'),
    caps: json<RtbCaps>('caps'),
    status: text('status', { enum: ['enabled', 'disabled'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    index('rtb_routes_endpoint').on(t.endpointId),
    index('rtb_routes_account_number').on(t.accountId, t.number),
  ],
);

/** Every answered ping (written after the answer, for reporting). */
export const rtbBids = sqliteTable(
  'rtb_bids',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    routeId: text('route_id'),
    caller: text('caller'),
    zip: text('zip'),
    state: text('state'),
    publisherId: text('publisher_id'),
    tags: json<Record<string, string>>('tags'),
    payout: real('payout'),
    eligibleCount: integer('eligible_count').notNull(),
    rejectReason: text('reject_reason'),
    callId: text('call_id'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('rtb_bids_account_created').on(t.accountId, t.createdAt)],
);

export const reportingSessions = sqliteTable(
  'reporting_sessions',
  {
    accountId: text('account_id').notNull(),
    id: text('id').notNull(),
    title: text('title').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index('reporting_sessions_updated').on(t.accountId, t.updatedAt),
  ],
);

export const reportingMessages = sqliteTable(
  'reporting_messages',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    sessionId: text('session_id').notNull(),
    role: text('role', { enum: ['user', 'assistant'] }).notNull(),
    content: text('content').notNull(),
    /** For answers: the structured query, SQL, rows and chart, so follow-ups can build on it. */
    payload: json<Record<string, unknown>>('payload'),
    createdAt: integer('created_at').notNull(),
    createdAtMs: integer('created_at_ms').notNull(),
  },
  (t) => [index('reporting_messages_session').on(t.accountId, t.sessionId, t.createdAtMs)],
);

/**
 * The simulator's durable record of every call it placed: the "provider side" a recovering CallSession
 * reconciles with (at-most-once dialling), and what tests count dials by.
 */
export const simulatorDials = sqliteTable(
  'simulator_dials',
  {
    providerCallId: text('provider_call_id').primaryKey(),
    callId: text('call_id').notNull(),
    toNumber: text('to_number').notNull(),
    dialedAtMs: integer('dialed_at_ms').notNull(),
    /** What the voice agent was given for this call: version, prompt, first message, voice. */
    agent: json<DialAgent>('agent'),
  },
  (t) => [index('simulator_dials_call').on(t.callId)],
);
