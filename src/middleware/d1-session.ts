// D1 read replicas (issue #15, README "Read replicas"): each authenticated request runs its D1 queries in
// one D1 session (`withSession`). Reads (GET/HEAD) start `first-unconstrained` — any replica — unless the
// client sends back the bookmark of an earlier answer in `X-D1-Bookmark`, which makes the session see at
// least that write (read-your-own-writes). Every other method starts `first-primary`. The answer carries
// the session's latest bookmark. The session itself is opened where ctx.db is built (ctxOf).
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { invalid } from '../lib/errors';

export const BOOKMARK_HEADER = 'X-D1-Bookmark';
/** D1's bookmark format (hex fields); anything else is refused before any query runs. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

export const d1Session: MiddlewareHandler<AppEnv> = async (c, next) => {
  const sent = c.req.header(BOOKMARK_HEADER);
  if (sent !== undefined && !BOOKMARK.test(sent))
    throw invalid(
      `${BOOKMARK_HEADER} must be a bookmark from an earlier answer's ${BOOKMARK_HEADER} header`,
      BOOKMARK_HEADER,
    );
  const read = c.req.method === 'GET' || c.req.method === 'HEAD';
  c.set('d1Constraint', read ? (sent ?? 'first-unconstrained') : 'first-primary');
  await next();
  const bookmark = c.get('d1Session')?.getBookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
};
