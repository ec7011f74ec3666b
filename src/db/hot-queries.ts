// The lookups that run on every request, call event, provider callback or dispatcher poll, built in one
// place so test/integration/query-plans.test.ts explains exactly the SQL the code issues (EXPLAIN QUERY
// PLAN over these builders fails on a full table scan). Each returns an unawaited drizzle query.
import { and, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';
import { accounts, apiKeys, calls, messages, phoneNumbers } from './schema';

/** Middleware auth: the key by its hash, with its account (cached in memory afterwards). */
export const keyByHash = (db: Db, hash: string) =>
  db
    .select({ key: apiKeys, account: accounts })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);

/**
 * `GET /v1/batches/{id}`: the batch's calls by status (index calls_batch_status). The caller has read the
 * batch within its account; batch ids are unique, so the batch id alone selects that account's calls.
 */
export const batchCallCounts = (db: Db, batchId: string) =>
  db
    .select({ status: calls.status, n: sql<number>`count(*)` })
    .from(calls)
    // A call followed by a redial is not counted: each recipient counts once, by its latest attempt.
    .where(and(eq(calls.batchId, batchId), isNull(calls.nextAttemptAt)))
    .groupBy(calls.status);

/** The batch dispatcher, on every call end and poll: how many of the batch's calls are not terminal. */
export const liveBatchCalls = (db: Db, batchId: string, terminal: readonly string[]) =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(calls)
    .where(
      and(
        eq(calls.batchId, batchId),
        sql`${calls.status} NOT IN (${sql.join(
          terminal.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      ),
    );

/** A runtime event (`/v2/webhooks/call-events`): the call by our id or the runtime's external id. */
export const callForRuntimeEvent = (db: Db, accountId: string, externalId: string) =>
  db.query.calls.findFirst({
    where: or(
      and(eq(calls.id, externalId), eq(calls.accountId, accountId)),
      and(eq(calls.providerCallId, externalId), eq(calls.accountId, accountId)),
    ),
  });

/** A Twilio status callback: the call by our id (when the callback names it) or by CallSid. */
export const callForProviderStatus = (db: Db, callId: string | undefined, callSid: string) =>
  db.query.calls.findFirst({
    where: callId ? eq(calls.id, callId) : eq(calls.providerCallId, callSid),
    columns: { id: true, providerCallId: true, accountId: true },
  });

/** Meta's webhook: the number (and so the account) a WhatsApp phone_number_id belongs to. */
export const numberByWhatsappId = (db: Db, phoneNumberId: string) =>
  db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.whatsappPhoneNumberId, phoneNumberId) });

/** Meta's status webhook: the message by the provider's id. */
export const messageByProviderId = (db: Db, providerMessageId: string, accountId?: string) =>
  db.query.messages.findFirst({
    where: and(
      eq(messages.providerMessageId, providerMessageId),
      accountId ? eq(messages.accountId, accountId) : undefined,
    ) as SQL,
  });
