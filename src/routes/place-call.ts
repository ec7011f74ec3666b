import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { publicBaseUrl } from '../middleware/request-context';
import { createCall, type CreateCallInput } from '../services/calls';
import { idempotent } from './idempotent';

/** Shared by POST /v1/call, /v1/calls and CallAI's /api/v1/calls/initiate: idempotent call creation. */
export async function placeCall<T>(
  c: Context<AppEnv>,
  route: string,
  input: CreateCallInput,
  body: unknown,
  shape: (row: Awaited<ReturnType<typeof createCall>>) => T,
  status = 201,
  /** The body field holding the recipient, named by errors about it (a suppressed number is 422 naming it). */
  recipientParam = 'recipient_phone',
) {
  const result = await idempotent(c, route, body, status, async (ctx) =>
    shape(await createCall(ctx, input, { publicBaseUrl: publicBaseUrl(c), recipientParam })),
  );
  return c.json(result.body, status as never, result.headers);
}
