import { createRoute, z } from '@hono/zod-openapi';
import { getEvent, listEvents, redeliverEvent } from '../../services/events';
import { EVENT_TYPES } from '../../services/events';
import { errorResponses, IdParam, jsonResponse, listOf, newRouter, PaginationQuery } from '../router';
import { ctxOf } from '../../middleware/auth';

const Event = z
  .object({
    id: z.string(),
    object: z.literal('event'),
    type: z.enum(EVENT_TYPES),
    created_at: z.number(),
    data: z.record(z.string(), z.any()),
  })
  .openapi('Event');
const Attempt = z.object({
  attempted_at: z.number(),
  status_code: z.number().nullable(),
  latency_ms: z.number(),
  response_body: z.string().nullable(),
  error: z.string().nullable(),
});
const EventDetail = Event.extend({
  deliveries: z.array(
    z.object({
      id: z.string(),
      endpoint_id: z.string(),
      status: z.enum(['pending', 'succeeded', 'failed']),
      attempts: z.number(),
      next_attempt_at: z.number().nullable(),
      last_status_code: z.number().nullable(),
      last_error: z.string().nullable(),
      completed_at: z.number().nullable(),
      attempt_log: z.array(Attempt),
    }),
  ),
}).openapi('EventDetail');

const Id = IdParam('event', 'evt_123');
const tags = ['Events'];

export function eventRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/events',
      tags,
      summary: 'List events, newest first',
      request: {
        query: PaginationQuery.extend({
          type: z.string().max(64).optional(),
          call_id: z.string().max(128).optional(),
        }),
      },
      responses: { 200: jsonResponse(listOf(Event), 'A page of events'), ...errorResponses },
    }),
    async (c) => c.json(await listEvents(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/events/{id}',
      tags,
      summary: 'An event with its deliveries and every attempt',
      request: { params: Id },
      responses: { 200: jsonResponse(EventDetail, 'The event'), ...errorResponses },
    }),
    async (c) => c.json(await getEvent(ctxOf(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/events/{id}/redeliver',
      tags,
      summary: 'Send the event again to its endpoints',
      request: { params: Id },
      responses: { 202: jsonResponse(EventDetail, 'The event, with deliveries queued'), ...errorResponses },
    }),
    async (c) => c.json(await redeliverEvent(ctxOf(c), c.req.valid('param').id), 202),
  );
  return r;
}
