import { createRoute, z } from '@hono/zod-openapi';
import { askReporting, listSessions, sessionMessages } from '../services/reporting';
import { errorResponses, jsonBody, jsonResponse, newRouter } from './router';
import { ctxOf } from '../middleware/auth';

const Query = z
  .strictObject({
    query: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .openapi({ example: 'How many calls did we receive last week?' }),
    session_id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\w.-]+$/, 'session_id may contain letters, digits, _, - and .')
      .optional(),
    conversation_history: z
      .array(z.object({ role: z.string().max(20), content: z.string().max(4000) }))
      .max(50)
      .optional(),
  })
  .openapi('ReportingQuery');

const Answer = z
  .object({
    answer: z.string(),
    sql: z.string().nullable(),
    explanation: z.string(),
    data: z.any(),
    chart_suggestion: z
      .object({ type: z.enum(['line', 'bar', 'pie']), x_axis: z.string(), y_axis: z.string() })
      .nullable(),
    session_id: z.string(),
    suggestions: z.array(z.string()).optional(),
  })
  .openapi('ReportingAnswer');

const tags = ['Reporting AI'];

export function reportingRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/query',
      tags,
      summary: 'Ask a question about your call data in plain English',
      description:
        'Answered from your account only: the question becomes a structured query, compiled to one guarded SELECT over account-scoped views.',
      request: { body: jsonBody(Query) },
      responses: {
        200: jsonResponse(Answer, 'The answer with its SQL, rows and a chart suggestion'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await askReporting(ctxOf(c), c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/sessions',
      tags,
      summary: 'Your query sessions, most recent first',
      responses: {
        200: jsonResponse(
          z.object({
            object: z.literal('list'),
            data: z.array(
              z.object({
                session_id: z.string(),
                title: z.string(),
                created_at: z.number(),
                updated_at: z.number(),
              }),
            ),
          }),
          'Sessions',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listSessions(ctxOf(c)), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{session_id}/messages',
      tags,
      summary: 'The conversation of a session',
      request: {
        params: z.object({
          session_id: z
            .string()
            .min(1)
            .max(128)
            .openapi({ param: { name: 'session_id', in: 'path' } }),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({ object: z.literal('list'), session_id: z.string(), data: z.array(z.any()) }),
          'Messages',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await sessionMessages(ctxOf(c), c.req.valid('param').session_id), 200),
  );
  return r;
}
