// Authentication for the incoming webhooks (routes/ingest.ts): each account has a Moja auth key for
// /call-data and an ingest key pair for /v2/webhooks/call-events (README "Incoming webhooks"). A
// failed attempt counts against the caller's IP, as a bad API key does in middleware/auth.ts.
import type { Context, MiddlewareHandler } from 'hono';
import type { Account } from '../db/types';
import type { AppEnv, AuthContext } from '../env';
import { DomainError } from '../lib/errors';
import { accountForIngestKeys, accountForWebhookAuthKey } from '../services/accounts';
import { countAnonymous } from './rate-limit';
import { systemCtx } from '../services/context';

async function refuse(c: Context<AppEnv>, message: string): Promise<never> {
  throw new DomainError('unauthorized', message, undefined, await countAnonymous(c));
}

function setAccount(c: Context<AppEnv>, account: Account, via: AuthContext['via']) {
  c.set('auth', { account, via });
  c.set('accountId', account.id);
}

/** ?moja_auth_key=… or X-Moja-Auth-Key. */
export const webhookAuthKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const secret = c.req.query('moja_auth_key') ?? c.req.header('X-Moja-Auth-Key');
  const account = await accountForWebhookAuthKey(systemCtx(c.env), secret);
  if (!account) return refuse(c, 'Missing or invalid moja_auth_key');
  setAccount(c, account, 'webhook_auth_key');
  await next();
};

/** x-public-key names the account, x-private-key proves it. */
export const ingestKeys: MiddlewareHandler<AppEnv> = async (c, next) => {
  const account = await accountForIngestKeys(
    systemCtx(c.env),
    c.req.header('x-public-key'),
    c.req.header('x-private-key'),
  );
  if (!account) return refuse(c, 'Missing or invalid x-public-key / x-private-key');
  setAccount(c, account, 'ingest_keys');
  await next();
};
