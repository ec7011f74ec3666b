// A customer's webhook receiver, in-process: outbound fetches to https://hooks.test/<name>/... are answered
// here by a scripted behaviour and recorded; every other URL goes to the real fetch.
import { Webhook } from 'standardwebhooks';

export interface Received {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: any;
  at: number;
}
type Behaviour = (n: number, req: Request) => Response | Promise<Response>;

const behaviours = new Map<string, Behaviour>();
/** Other outside services (e.g. a provider's REST API) answered from recorded fixtures. */
const hosts = new Map<string, (req: Request) => Response | Promise<Response>>();
export const onHost = (host: string, handler: (req: Request) => Response | Promise<Response>) => {
  hosts.set(host, handler);
};
export const received: Received[] = [];
let installed = false;

export function installReceiver() {
  if (installed) return;
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input as RequestInfo, init);
    const url = new URL(req.url);
    const host = hosts.get(url.hostname);
    if (host) return host(req);
    if (url.hostname !== 'hooks.test') return original(input as RequestInfo, init);
    const name = url.pathname.split('/')[1] ?? '';
    const body = await req.text();
    let json: any = null;
    try {
      json = JSON.parse(body);
    } catch {
      /* not JSON */
    }
    received.push({
      url: req.url,
      path: url.pathname,
      headers: Object.fromEntries(req.headers),
      body,
      json,
      at: Date.now(),
    });
    const n = received.filter((r) => r.path === url.pathname).length;
    const behave = behaviours.get(name) ?? (() => new Response('ok'));
    return behave(n, req);
  };
}

/** `https://hooks.test/<name>/<unique>` answered by `behaviour(nthRequestToThisUrl)`. */
export function receiverUrl(name: string, behaviour?: Behaviour) {
  if (behaviour) behaviours.set(name, behaviour);
  return `https://hooks.test/${name}/${crypto.randomUUID()}`;
}

export const deliveriesTo = (url: string) => received.filter((r) => r.url === url);

/** Verifies with the standardwebhooks package, as a customer's receiver would. Throws when invalid. */
export function verify(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': r.headers['webhook-id'],
    'webhook-timestamp': r.headers['webhook-timestamp'],
    'webhook-signature': r.headers['webhook-signature'],
  });
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeout = 15_000, interval = 50, what = 'condition' } = {},
): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
