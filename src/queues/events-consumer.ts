import type { Env, EventQueueMessage } from '../env';
import { logger } from '../lib/log';
import { runScriptedStep } from '../services/messages';
import { attemptDelivery } from '../services/webhook-delivery';
import { systemCtx } from '../services/context';

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
        if (body?.kind === 'whatsapp_step') await runScriptedStep(ctx, body.message_id, body.step);
        else if (typeof body?.delivery_id === 'string') await attemptDelivery(ctx, body.delivery_id);
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
