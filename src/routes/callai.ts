import { createRoute, z } from '@hono/zod-openapi';
import {
  errorResponse,
  errorResponses,
  IdempotencyHeader,
  jsonBody,
  jsonResponse,
  newRouter,
} from './router';
import { e164, Metadata } from './schemas';
import { placeCall } from './place-call';
import { placeMessage, SendMessage } from './v1/messages';

const InitiateCall = z
  .strictObject({
    agent_id: z.string().min(1).max(128).openapi({ example: 'ag_98f6d2b3' }),
    to_number: e164('to_number'),
    metadata: Metadata.optional().openapi({ example: { customer_name: 'Adebayo', order_status: 'Shipped' } }),
  })
  .openapi('InitiateCall');

const Initiated = z
  .object({
    status: z.literal('success'),
    data: z.object({ call_id: z.string(), status: z.string() }),
  })
  .openapi('InitiatedCall');

/** CallAI's REST surface under /api/v1 (API key only). */
export function callaiRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/calls/initiate',
      tags: ['CallAI'],
      summary: 'Dispatch an outbound AI voice call',
      description: 'metadata is also available to the agent as prompt variables.',
      request: { headers: IdempotencyHeader, body: jsonBody(InitiateCall) },
      responses: {
        200: jsonResponse(Initiated, 'The call was queued'),
        409: errorResponse(409),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const variables = Object.fromEntries(
        Object.entries(body.metadata ?? {}).filter(
          ([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v),
        ),
      );
      return placeCall(
        c,
        'callai.calls.initiate',
        { agent_id: body.agent_id, recipient_phone: body.to_number, metadata: body.metadata, variables },
        body,
        (row) => ({ status: 'success' as const, data: { call_id: row.id, status: row.status } }),
        200,
        'to_number',
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/whatsapp/send',
      tags: ['CallAI'],
      summary: 'Send a templated or free-form WhatsApp message using an AI agent',
      request: { headers: IdempotencyHeader, body: jsonBody(SendMessage) },
      responses: {
        200: jsonResponse(
          z
            .object({
              status: z.literal('success'),
              data: z.object({ message_id: z.string(), status: z.string() }),
            })
            .openapi('SentMessage'),
          'The message was queued',
        ),
        409: errorResponse(409),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) => {
      const sent = await placeMessage(c, 'callai.whatsapp.send', c.req.valid('json'), (m) => ({
        status: 'success' as const,
        data: { message_id: m.id, status: m.status },
      }));
      return c.json(sent.body, 200, sent.headers);
    },
  );
  return r;
}
