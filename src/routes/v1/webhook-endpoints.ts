import { createRoute, z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '../../services/events';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  presentEndpoint,
  recoverEndpoint,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
} from '../../services/webhook-endpoints';
import {
  errorResponse,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  PaginationQuery,
} from '../router';
import { ctxOf } from '../../middleware/auth';

const EventList = z
  .array(
    z.enum(['*', ...EVENT_TYPES], {
      error: () => `events must be * or one of ${EVENT_TYPES.join(', ')}`,
    }),
  )
  .max(EVENT_TYPES.length + 1)
  .openapi({
    description: 'Event types to receive (default all: `*`)',
    example: ['call.completed', 'call.failure'],
  });

const CreateEndpoint = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .max(2048)
      // `format: uri` in the document; checked here too, so a PATCH to an unknown id still says 400 first.
      .refine((u) => URL.canParse(u), 'url must be an absolute URL')
      .openapi({
        format: 'uri',
        description:
          'https on a public host name (not an IP address or a private host; ALLOW_PRIVATE_WEBHOOK_URLS lifts this for local development)',
        // Which hosts are public is beyond a pattern: examples stand for it (test/helpers/arbitrary.ts).
        examples: ['https://example.com/webhooks/callplane', 'https://hooks.example.org/callplane?x=1'],
      }),
    events: EventList.optional(),
    description: z.string().max(500).nullable().optional(),
  })
  .openapi('CreateWebhookEndpoint');
const UpdateEndpoint = CreateEndpoint.partial()
  .extend({ status: z.enum(['enabled', 'disabled']).optional() })
  .openapi('UpdateWebhookEndpoint');

const Endpoint = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.enum(['*', ...EVENT_TYPES])),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.string().nullable(),
    created_at: z.number(),
    updated_at: z.number(),
    secret: z
      .string()
      .optional()
      .openapi({ description: 'whsec_… signing secret; only in the answers that create or rotate it' }),
  })
  .openapi('WebhookEndpoint');

const Id = IdParam('webhook endpoint', 'we_123');
const tags = ['Webhooks'];

export function webhookEndpointRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/webhook_endpoints',
      tags,
      summary: 'Create a webhook endpoint (the secret is shown once)',
      request: { body: jsonBody(CreateEndpoint) },
      responses: {
        201: jsonResponse(Endpoint, 'The endpoint with its secret'),
        503: errorResponse(503),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await createEndpoint(ctxOf(c), c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/webhook_endpoints',
      tags,
      summary: 'List webhook endpoints',
      request: { query: PaginationQuery },
      responses: { 200: jsonResponse(listOf(Endpoint), 'A page of endpoints'), ...errorResponses },
    }),
    async (c) => c.json(await listEndpoints(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/webhook_endpoints/{id}',
      tags,
      summary: 'Retrieve a webhook endpoint',
      request: { params: Id },
      responses: { 200: jsonResponse(Endpoint, 'The endpoint'), ...errorResponses },
    }),
    async (c) => c.json(presentEndpoint(await getEndpoint(ctxOf(c), c.req.valid('param').id)), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch',
      path: '/webhook_endpoints/{id}',
      tags,
      summary: 'Update url, events, description or status',
      request: { params: Id, body: jsonBody(UpdateEndpoint) },
      responses: { 200: jsonResponse(Endpoint, 'The endpoint'), 503: errorResponse(503), ...errorResponses },
    }),
    async (c) => c.json(await updateEndpoint(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/webhook_endpoints/{id}',
      tags,
      summary: 'Delete a webhook endpoint',
      request: { params: Id },
      responses: {
        200: jsonResponse(
          z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) }),
          'Deleted',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await deleteEndpoint(ctxOf(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/webhook_endpoints/{id}/rotate_secret',
      tags,
      summary: 'New secret; the old one also signs for 24 h',
      request: { params: Id },
      responses: {
        200: jsonResponse(
          Endpoint.extend({ previous_secret_expires_at: z.number() }),
          'The endpoint with its new secret',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await rotateSecret(ctxOf(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/webhook_endpoints/{id}/test',
      tags,
      summary: 'Send a webhook_endpoint.test event to this endpoint',
      request: { params: Id },
      responses: {
        202: jsonResponse(
          z.object({ object: z.literal('event'), id: z.string(), type: z.string(), created_at: z.number() }),
          'Queued',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await sendTestEvent(ctxOf(c), c.req.valid('param').id), 202),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/webhook_endpoints/{id}/recover',
      tags,
      summary: 'Resend failed deliveries since a time (≤ 14 days)',
      request: {
        params: Id,
        body: jsonBody(
          z.strictObject({ since: z.number().int().min(0).openapi({ description: 'unix seconds' }) }),
        ),
      },
      responses: {
        202: jsonResponse(
          z.object({
            object: z.literal('recovery'),
            endpoint_id: z.string(),
            since: z.number(),
            resent: z.number(),
          }),
          'Queued',
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await recoverEndpoint(ctxOf(c), c.req.valid('param').id, c.req.valid('json').since), 202),
  );
  return r;
}
