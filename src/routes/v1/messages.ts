import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../env';
import { idempotent } from '../idempotent';
import {
  getMessage,
  listMessages,
  presentMessage,
  sendMessage,
  type MessageRow,
  type SendInput,
} from '../../services/messages';
import {
  errorResponse,
  IdempotencyHeader,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  PaginationQuery,
} from '../router';
import { e164, Metadata } from '../schemas';
import { ctxOf } from '../../middleware/auth';

const Template = z
  .strictObject({
    name: z.string().min(1).max(512).openapi({ example: 'order_update' }),
    language: z.string().min(2).max(15).openapi({ example: 'en_US' }),
    parameters: z
      .array(z.string().max(1024))
      .max(20)
      .optional()
      .openapi({ description: 'Body parameters {{1}}, {{2}}, … in order' }),
  })
  .openapi('MessageTemplate');

const MessageText = z.string().min(1).max(4096);
const sendFields = {
  agent_id: z.string().min(1).max(128).openapi({ description: 'Agent assigned to respond to replies' }),
  to_number: e164('to_number'),
  metadata: Metadata.optional(),
};

/**
 * CallAI's send body: `content` is the text for `text` and a template object for `template`. A union on
 * `message_type`, so the document says exactly what the server takes (text with template fields is 400).
 */
export const SendMessage = z
  .discriminatedUnion(
    'message_type',
    [
      z
        .strictObject({
          ...sendFields,
          message_type: z.literal('text'),
          content: MessageText,
        })
        .openapi('SendTextMessage'),
      z
        .strictObject({
          ...sendFields,
          message_type: z.literal('template'),
          content: Template,
        })
        .openapi('SendTemplateMessage'),
    ],
    { error: () => 'message_type must be template or text' },
  )
  .openapi('SendMessage');

export const MessageSchema = z
  .object({
    id: z.string(),
    message_id: z.string(),
    object: z.literal('message'),
    agent_id: z.string().nullable(),
    direction: z.enum(['outbound', 'inbound']),
    to_number: z.string().nullable(),
    from_number: z.string().nullable(),
    message_type: z.enum(['text', 'template']),
    content: z.union([MessageText, Template]).openapi({ description: 'The text, or the template sent' }),
    status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'received']),
    error: z.string().nullable(),
    provider: z.string(),
    metadata: z.record(z.string(), z.any()),
    created_at: z.number(),
    sent_at: z.number().nullable(),
    delivered_at: z.number().nullable(),
    read_at: z.number().nullable(),
  })
  .openapi('Message');

/** Idempotent send, shared by POST /v1/messages and CallAI's POST /api/v1/whatsapp/send. */
export async function placeMessage<T>(
  c: Context<AppEnv>,
  route: string,
  input: SendInput,
  shape: (m: MessageRow) => T,
) {
  return idempotent(c, route, input, 200, async (ctx) => shape(await sendMessage(ctx, input)));
}

const tags = ['WhatsApp'];

export function messageRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/messages',
      tags,
      summary: "Send a WhatsApp message (text only within 24 h of the recipient's last message)",
      request: { headers: IdempotencyHeader, body: jsonBody(SendMessage) },
      responses: {
        201: jsonResponse(MessageSchema, 'The message, queued'),
        409: errorResponse(409),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) => {
      const sent = await placeMessage(c, 'messages.create', c.req.valid('json'), presentMessage);
      return c.json(sent.body, 201, sent.headers);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/messages',
      tags,
      summary: 'List messages, newest first',
      request: {
        query: PaginationQuery.extend({
          contact: z.string().max(20).optional().openapi({ description: 'The customer number (E.164)' }),
          direction: z.enum(['inbound', 'outbound']).optional(),
          status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'received']).optional(),
          agent_id: z.string().max(128).optional(),
        }),
      },
      responses: { 200: jsonResponse(listOf(MessageSchema), 'A page of messages'), ...errorResponses },
    }),
    async (c) => c.json(await listMessages(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/messages/{id}',
      tags,
      summary: 'Retrieve a message',
      request: { params: IdParam('message', 'msg_123') },
      responses: { 200: jsonResponse(MessageSchema, 'The message'), ...errorResponses },
    }),
    async (c) => c.json(presentMessage(await getMessage(ctxOf(c), c.req.valid('param').id)), 200),
  );
  return r;
}
