import { createRoute, z } from '@hono/zod-openapi';
import { DAYS, isValidTimeZone } from '../../lib/calling-window';
import {
  createRtbEndpoint,
  createRtbRoute,
  deleteRtbEndpoint,
  deleteRtbRoute,
  getRtbEndpoint,
  getRtbRoute,
  listRtbEndpoints,
  listRtbRoutes,
  presentEndpoint,
  presentRoute,
  updateRtbEndpoint,
  updateRtbRoute,
} from '../../services/rtb-config';
import {
  errorResponses,
  orNull,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  PaginationQuery,
} from '../router';
import { publicBaseUrl } from '../../middleware/request-context';
import { nonBlank, TimeZone } from '../schemas';
import { ctxOf } from '../../middleware/auth';

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM (24 h)');
const Interval = z
  .tuple([hhmm, hhmm])
  .refine(([a, b]) => a < b, 'an interval must end after it starts')
  // "ends after it starts" is beyond JSON Schema: examples stand for it (test/helpers/arbitrary.ts).
  .openapi({
    examples: [
      ['09:00', '17:00'],
      ['00:00', '24:00'],
      ['18:30', '21:00'],
    ],
  });
const Schedule = z
  .strictObject({
    timezone: TimeZone,
    hours: z.partialRecord(z.enum(DAYS), z.array(Interval).max(12)),
  })
  .openapi('RtbSchedule', {
    example: { timezone: 'America/New_York', hours: { mon: [['09:00', '17:00']], sat: [] } },
  });
const GeoSet = z.strictObject({
  states: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'states are 2-letter codes such as NY'))
    .max(60)
    .optional(),
  zips: z
    .array(z.string().regex(/^\d{5}$/, 'zips are 5 digits'))
    .max(5000)
    .optional(),
  area_codes: z
    .array(z.string().regex(/^[2-9]\d{2}$/, 'area codes are 3 digits'))
    .max(500)
    .optional(),
});
const Geo = z.strictObject({ include: GeoSet.optional(), exclude: GeoSet.optional() }).openapi('RtbGeo');
const Caps = z
  .strictObject({
    hourly: z.number().int().min(0).optional(),
    daily: z.number().int().min(0).optional(),
    monthly: z.number().int().min(0).optional(),
    concurrency: z.number().int().min(0).optional(),
  })
  .openapi('RtbCaps');

const EndpointBody = z
  .strictObject({
    name: nonBlank(200),
    campaign_name: z.string().max(200).nullable().optional(),
    bid_ttl_seconds: z.number().int().min(5).max(3600).optional(),
    require_caller_id: z.boolean().optional(),
    max_routes: z.number().int().min(1).max(100).nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .openapi('CreateRtbEndpoint');

const RouteBody = z
  .strictObject({
    buyer: nonBlank(200),
    number: z
      .string()
      .max(256)
      .regex(/^(\+[1-9]\d{7,14}|sips?:[^\s@]+@\S+)$/, 'number must be E.164 or a sip: URI'),
    payout: z.number().min(0).max(100_000),
    duration: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .nullable()
      .optional()
      .openapi({ description: 'Seconds a call must last to pay when payout_condition is null' }),
    payout_condition: z.enum(['connected']).nullable().optional(),
    payout_condition_duration: z.number().int().min(0).max(86_400).nullable().optional(),
    priority: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .openapi({ description: '1 ranks before 2 when payouts tie' }),
    weight: z.number().int().min(0).max(1000).optional(),
    schedule: Schedule.nullable().optional(),
    geo: Geo.nullable().optional(),
    caps: Caps.nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .openapi('CreateRtbRoute');

const Endpoint = z
  .object({
    id: z.string(),
    object: z.literal('rtb_endpoint'),
    rtb_id: z.string(),
    name: z.string(),
    campaign_name: z.string().nullable(),
    bid_ttl_seconds: z.number(),
    require_caller_id: z.boolean(),
    max_routes: z.number().nullable(),
    status: z.enum(['enabled', 'disabled']),
    version: z.number(),
    ping_url: z.string(),
    created_at: z.number(),
    updated_at: z.number(),
  })
  .openapi('RtbEndpoint');
const Route = z
  .object({
    id: z.string(),
    object: z.literal('rtb_route'),
    endpoint_id: z.string(),
    buyer: z.string(),
    number: z.string(),
    payout: z.number(),
    duration: z.number().nullable(),
    payout_condition: z.enum(['connected']).nullable(),
    payout_condition_duration: z.number().nullable(),
    priority: z.number(),
    weight: z.number(),
    schedule: orNull(Schedule),
    geo: orNull(Geo),
    caps: orNull(Caps),
    status: z.enum(['enabled', 'disabled']),
    created_at: z.number(),
    updated_at: z.number(),
  })
  .openapi('RtbRoute');

const Id = IdParam('RTB endpoint', 'rtbe_123');
const RouteParams = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'id', in: 'path' } }),
  route_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'route_id', in: 'path' } }),
});
const tags = ['Real-time bidding'];

export function rtbRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/rtb_endpoints',
      tags,
      summary: 'Create an RTB endpoint (one per publisher and campaign)',
      request: { body: jsonBody(EndpointBody) },
      responses: { 201: jsonResponse(Endpoint, 'The endpoint, with its ping URL'), ...errorResponses },
    }),
    async (c) =>
      c.json(presentEndpoint(await createRtbEndpoint(ctxOf(c), c.req.valid('json')), publicBaseUrl(c)), 201),
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/rtb_endpoints',
      tags,
      summary: 'List RTB endpoints',
      request: { query: PaginationQuery },
      responses: { 200: jsonResponse(listOf(Endpoint), 'A page of endpoints'), ...errorResponses },
    }),
    async (c) => c.json(await listRtbEndpoints(ctxOf(c), c.req.valid('query'), publicBaseUrl(c)), 200),
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/rtb_endpoints/{id}',
      tags,
      summary: 'Retrieve an RTB endpoint',
      request: { params: Id },
      responses: { 200: jsonResponse(Endpoint, 'The endpoint'), ...errorResponses },
    }),
    async (c) =>
      c.json(presentEndpoint(await getRtbEndpoint(ctxOf(c), c.req.valid('param').id), publicBaseUrl(c)), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch',
      path: '/rtb_endpoints/{id}',
      tags,
      summary: 'Update an RTB endpoint',
      request: { params: Id, body: jsonBody(EndpointBody.partial()) },
      responses: { 200: jsonResponse(Endpoint, 'The endpoint'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        presentEndpoint(
          await updateRtbEndpoint(ctxOf(c), c.req.valid('param').id, c.req.valid('json')),
          publicBaseUrl(c),
        ),
        200,
      ),
  );
  r.openapi(
    createRoute({
      method: 'delete',
      path: '/rtb_endpoints/{id}',
      tags,
      summary: 'Delete an RTB endpoint (pings answer 404)',
      request: { params: Id },
      responses: {
        200: jsonResponse(
          z.object({ id: z.string(), object: z.literal('rtb_endpoint'), deleted: z.literal(true) }),
          'Deleted',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await deleteRtbEndpoint(ctxOf(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/rtb_endpoints/{id}/routes',
      tags,
      summary: 'Add a buyer route',
      request: { params: Id, body: jsonBody(RouteBody) },
      responses: { 201: jsonResponse(Route, 'The route'), ...errorResponses },
    }),
    async (c) => c.json(await createRtbRoute(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/rtb_endpoints/{id}/routes',
      tags,
      summary: "List an endpoint's routes",
      request: { params: Id },
      responses: {
        200: jsonResponse(z.object({ object: z.literal('list'), data: z.array(Route) }), 'The routes'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listRtbRoutes(ctxOf(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/rtb_endpoints/{id}/routes/{route_id}',
      tags,
      summary: 'Retrieve a route',
      request: { params: RouteParams },
      responses: { 200: jsonResponse(Route, 'The route'), ...errorResponses },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(presentRoute(await getRtbRoute(ctxOf(c), p.id, p.route_id)), 200);
    },
  );
  r.openapi(
    createRoute({
      method: 'patch',
      path: '/rtb_endpoints/{id}/routes/{route_id}',
      tags,
      summary: 'Update a route',
      request: { params: RouteParams, body: jsonBody(RouteBody.partial()) },
      responses: { 200: jsonResponse(Route, 'The route'), ...errorResponses },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await updateRtbRoute(ctxOf(c), p.id, p.route_id, c.req.valid('json')), 200);
    },
  );
  r.openapi(
    createRoute({
      method: 'delete',
      path: '/rtb_endpoints/{id}/routes/{route_id}',
      tags,
      summary: 'Delete a route',
      request: { params: RouteParams },
      responses: {
        200: jsonResponse(
          z.object({ id: z.string(), object: z.literal('rtb_route'), deleted: z.literal(true) }),
          'Deleted',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await deleteRtbRoute(ctxOf(c), p.id, p.route_id), 200);
    },
  );
  return r;
}
