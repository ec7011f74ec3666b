import { createRoute, z } from '@hono/zod-openapi';
import { unprocessable } from '../../lib/errors';
import { getCall, presentCall } from '../../services/calls';
import { receiveInboundCall } from '../../services/inbound';
import { findOwnedNumber } from '../../services/phone-numbers';
import { presentMessage, receiveMessage } from '../../services/messages';
import { MessageSchema } from './messages';
import { errorResponse, errorResponses, jsonBody, jsonResponse, newRouter } from '../router';
import { CallSchema, e164 } from '../schemas';
import { publicBaseUrl } from '../../middleware/request-context';
import { systemCtx } from '../../services/context';
import { ctxOf } from '../../middleware/auth';

const InboundCall = z
  .strictObject({
    from: e164('from').openapi({ description: 'The caller' }),
    to: e164('to').openapi({ description: 'One of your simulator phone numbers' }),
    talk_seconds: z
      .number()
      .int()
      .min(1)
      .max(7200)
      .optional()
      .openapi({ description: 'How long the caller stays on (default 42)' }),
    metadata: z.record(z.string(), z.any()).optional(),
  })
  .openapi('SimulatedInboundCall');

/** Developer tools for the built-in simulator: ring one of your numbers as if a caller dialled it. */
export function simulatorRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/simulator/inbound_calls',
      tags: ['Simulator'],
      summary: 'Simulate an inbound call to one of your numbers',
      request: { body: jsonBody(InboundCall) },
      responses: {
        201: jsonResponse(CallSchema, 'The inbound call, ringing'),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const number = await findOwnedNumber(ctxOf(c), body.to);
      if (!number) throw unprocessable(`${body.to} is not one of your phone numbers`, 'to');
      if (number.provider !== 'simulator')
        throw unprocessable(
          `${body.to} uses ${number.provider}; only simulator numbers can be rung here`,
          'to',
        );
      const call = await receiveInboundCall(systemCtx(c.env), {
        to: body.to,
        from: body.from,
        provider: 'simulator',
        publicBaseUrl: publicBaseUrl(c),
        talkSeconds: body.talk_seconds,
        metadata: body.metadata,
      });
      return c.json(presentCall(await getCall(ctxOf(c), call!.id)), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/simulator/whatsapp_messages',
      tags: ['Simulator'],
      summary: 'Simulate a WhatsApp message from a customer to you',
      request: { body: jsonBody(z.strictObject({ from: e164('from'), text: z.string().min(1).max(4096) })) },
      responses: { 201: jsonResponse(MessageSchema, 'The inbound message'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const msg = await receiveMessage(ctxOf(c), body.from, body.text, {
        provider: 'simulator',
      });
      return c.json(presentMessage(msg), 201);
    },
  );
  return r;
}
