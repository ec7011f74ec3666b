import type { Env, EventQueueMessage } from '../env';
import { logger } from '../lib/log';
import { runScriptedStep } from '../services/messages';
import { attemptDelivery } from '../services/webhook-delivery';
import { systemCtx, withAccount, type Ctx } from '../services/context';
import { eq } from 'drizzle-orm';
import { deliveries, messages } from '../db/schema';
import { findOnShards } from '../db/shards';

/**
 * The ctx on the shard of the message's account: named in the message (`account_id`), or — for a message
 * sent without it (the cron's sweep) — found by asking every shard for the row.
 */
async function onAccountShard(ctx: Ctx, body: EventQueueMessage): Promise<Ctx> {
  let accountId = body.account_id;
  if (!accountId) {
    const row =
      body.kind === 'whatsapp_step'
        ? await findOnShards(ctx.env, (db) =>
            db.query.messages.findFirst({
              where: eq(messages.id, body.message_id),
              columns: { accountId: true },
            }),
          )
        : await findOnShards(ctx.env, (db) =>
            db.query.deliveries.findFirst({
              where: eq(deliveries.id, body.delivery_id),
              columns: { accountId: true },
            }),
          );
    accountId = row?.accountId;
  }
  return accountId ? withAccount(ctx, { id: accountId }) : ctx;
}

/**
 * Each message is one delivery id (or a simulated WhatsApp step). A message is acked only after its attempt is recorded; anything
 * unexpected retries that message alone (and, past max_retries, lands in the dead-letter queue), so a
 * consumer that dies mid-batch loses nothing.
 */
export async function consumeEvents(batch: MessageBatch<EventQueueMessage>, env: Env) {
  const ctx = systemCtx(env);
  // Deliveries are independent (different endpoints, or retries of one): attempt them concurrently.
  await Promise.all(
    batch.messages.map(async (msg) => {
      try {
        const body = msg.body;
        if (body?.kind === 'whatsapp_step')
          await runScriptedStep(await onAccountShard(ctx, body), body.message_id, body.step);
        else if (typeof body?.delivery_id === 'string')
          await attemptDelivery(await onAccountShard(ctx, body), body.delivery_id);
        msg.ack();
      } catch (err) {
        ctx.log.error('delivery attempt crashed; will retry', { body: msg.body, error: String(err) });
        msg.retry({ delaySeconds: 5 });
      }
    }),
  );
}

/** Dead letters: the delivery row is still pending, so the cron sweep re-enqueues it; log loudly. */
export async function consumeDeadLetters(batch: MessageBatch<EventQueueMessage>, env: Env) {
  for (const msg of batch.messages) {
    logger(env).error('message reached the dead-letter queue (deliveries are re-enqueued by the sweep)', {
      body: msg.body,
    });
    msg.ack();
  }
}
