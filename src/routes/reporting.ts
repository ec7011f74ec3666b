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

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Row = z.record(z.string(), Cell);
/** Rows for a breakdown, one row for a single figure; null when the question was not answered. */
const Data = z
  .union([z.array(Row), Row])
  .nullable()
  .openapi('ReportingData');
const ChartSuggestion = z
  .object({ type: z.enum(['line', 'bar', 'pie']), x_axis: z.string(), y_axis: z.string() })
  .nullable();

const Answer = z
  .object({
    answer: z.string(),
    sql: z.string().nullable(),
    explanation: z.string(),
    data: Data,
    chart_suggestion: ChartSuggestion,
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
          z.object({
            object: z.literal('list'),
            session_id: z.string(),
            data: z.array(
              z
                .object({
                  id: z.string(),
                  role: z.enum(['user', 'assistant']),
                  content: z.string(),
                  created_at: z.number(),
                  sql: z.string().nullable().optional(),
                  data: Data.optional(),
                  chart_suggestion: ChartSuggestion.optional(),
                })
                .openapi('ReportingMessage'),
            ),
          }),
          'Messages',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await sessionMessages(ctxOf(c), c.req.valid('param').session_id), 200),
  );
  return r;
}
