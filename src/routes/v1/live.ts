import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { ctxOf } from '../../middleware/auth';
import { liveCalls } from '../../services/live';
import { errorResponses, newRouter } from '../router';

/** One stream lasts this long; EventSource-style clients reconnect (the dashboard does). */
const STREAM_SECONDS = 300;
const POLL_MS = 1000;

export function liveRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/calls/live',
      tags: ['Calls'],
      summary: 'Stream calls in progress (Server-Sent Events)',
      description:
        'A `snapshot` event whenever the set of live calls (in progress, or ended in the last 2 minutes) or the events they fired change: `{"object":"live_calls","data":[{id,status,…,events:[{type,created_at}]}]}`. The stream closes after 5 minutes; reconnect.',
      responses: {
        200: {
          description: 'An event stream',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        ...errorResponses,
      },
    }),
    (c) => {
      const ctx = ctxOf(c);
      return streamSSE(c, async (stream) => {
        let last = '';
        const end = Date.now() + STREAM_SECONDS * 1000;
        while (!stream.aborted && Date.now() < end) {
          const snap = await liveCalls(ctx);
          const body = JSON.stringify(snap.data);
          if (body !== last) {
            last = body;
            await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(snap) });
          }
          await stream.sleep(POLL_MS);
        }
      }) as never;
    },
  );
  return r;
}
