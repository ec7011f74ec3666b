import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../env';
import {
  convertCall,
  createCall,
  getCall,
  listCalls,
  presentCall,
  stopCall,
  type CreateCallInput,
} from '../../services/calls';
import { CALL_STATUSES, type CallStatus, STATUS_GROUPS } from '../../db/types';
import { silentWav } from '../../lib/wav';
import { placeCall } from '../place-call';
import { notFound } from '../../lib/errors';
import {
  errorResponse,
  IdempotencyHeader,
  queryInt,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  PaginationQuery,
} from '../router';
import { CallSchema, CreateCallBody } from '../schemas';
import { ctxOf } from '../../middleware/auth';

const CreatedCall = z
  .object({
    call_id: z.string(),
    id: z.string(),
    status: z.enum(CALL_STATUSES),
    agent_id: z.string(),
    recipient_phone: z.string(),
    created_at: z.number(),
  })
  .openapi('CreatedCall');

const STATUS_FILTERS = [...new Set([...Object.keys(STATUS_GROUPS), 'completed', ...CALL_STATUSES])];
const statusFilter = z
  .enum(STATUS_FILTERS as [string, ...string[]], {
    error: () => `status must be active, completed, failed or one of ${CALL_STATUSES.join(', ')}`,
  })
  .openapi({ description: 'A status, or a group: active, completed, failed' });

/** Seconds since 1970 up to the year 5138: any real timestamp, and still a safe integer. */
const UNIX_MAX = 99_999_999_999;

const ListQuery = PaginationQuery.extend({
  status: statusFilter.optional(),
  agent_id: z.string().max(128).optional(),
  batch_id: z.string().max(128).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  from: queryInt(0, UNIX_MAX).optional().openapi({ description: 'created_at ≥ (unix seconds)' }),
  to: queryInt(0, UNIX_MAX).optional().openapi({ description: 'created_at ≤ (unix seconds)' }),
});

const tags = ['Calls'];

export function callRoutes() {
  const r = newRouter();
  for (const path of ['/call', '/calls'] as const) {
    r.openapi(
      createRoute({
        method: 'post',
        path,
        tags,
        summary:
          path === '/call' ? 'Place an outbound call' : 'Place an outbound call (alias of POST /v1/call)',
        request: { headers: IdempotencyHeader, body: jsonBody(CreateCallBody) },
        responses: {
          201: jsonResponse(CreatedCall, 'The call was accepted'),
          409: errorResponse(409),
          422: errorResponse(422),
          ...errorResponses,
        },
      }),
      async (c) => {
        const input = c.req.valid('json');
        return placeCall(c, 'calls.create', input, input, (row) => ({
          call_id: row.id,
          id: row.id,
          status: row.status as CallStatus,
          agent_id: row.agentId!,
          recipient_phone: row.toNumber,
          created_at: row.createdAt,
        }));
      },
    );
  }

  r.openapi(
    createRoute({
      method: 'get',
      path: '/calls',
      tags,
      summary: 'List calls, newest first',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(listOf(CallSchema), 'A page of calls'), ...errorResponses },
    }),
    async (c) => c.json(await listCalls(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/calls/{id}',
      tags,
      summary: 'Retrieve a call',
      request: { params: IdParam('call', 'call_998877') },
      responses: { 200: jsonResponse(CallSchema, 'The call'), ...errorResponses },
    }),
    async (c) => c.json(presentCall(await getCall(ctxOf(c), c.req.valid('param').id)), 200),
  );

  for (const [how, summary] of [
    ['cancel', 'Cancel a call that has not been answered'],
    ['end', 'Hang up a call at any stage'],
  ] as const) {
    r.openapi(
      createRoute({
        method: 'post',
        path: `/calls/{id}/${how}`,
        tags,
        summary,
        request: { params: IdParam('call', 'call_998877') },
        responses: { 200: jsonResponse(CallSchema, 'The call'), 409: errorResponse(409), ...errorResponses },
      }),
      async (c) => c.json(presentCall(await stopCall(ctxOf(c), c.req.valid('param').id, how)), 200),
    );
  }

  r.openapi(
    createRoute({
      method: 'post',
      path: '/calls/{id}/convert',
      tags,
      summary: 'Record a conversion (emits call.converted once)',
      request: {
        params: IdParam('call', 'call_998877'),
        body: jsonBody(
          z.strictObject({ payout: z.number().min(0).max(1_000_000).nullable().optional() }),
          false,
        ),
      },
      responses: { 200: jsonResponse(CallSchema, 'The call'), 409: errorResponse(409), ...errorResponses },
    }),
    async (c) =>
      c.json(
        presentCall(await convertCall(ctxOf(c), c.req.valid('param').id, c.req.valid('json').payout ?? null)),
        200,
      ),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/calls/{id}/recording',
      tags,
      summary: 'The call recording (WAV)',
      request: { params: IdParam('call', 'call_998877') },
      responses: {
        200: {
          description: 'audio/wav',
          content: { 'audio/wav': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const call = await getCall(ctxOf(c), c.req.valid('param').id);
      if (!call.recordingUrl) throw notFound('recording', 'id');
      // The simulator records nothing real: its recording is silence as long as the call (capped at 60 s).
      return c.body(silentWav(Math.min(call.duration ?? 0, 60)), 200, { 'Content-Type': 'audio/wav' });
    },
  );
  return r;
}
