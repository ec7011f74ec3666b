// Every Durable Object stub, addressed by name. This file imports only `type Env`, so any layer
// (middleware, services, other Durable Objects) can reach an object without importing its class or
// a higher layer; scripts/check-layers.mjs keeps it that way.
import type { Env } from '../env';

/** The account's (or an anonymous caller's) AccountLimiter: rate windows and concurrency leases. */
export const limiterFor = (env: Env, name: string) =>
  env.ACCOUNT_LIMITER.get(env.ACCOUNT_LIMITER.idFromName(name));

/** The call's CallSession: its lifecycle, provider events and webhook outbox. */
export const sessionFor = (env: Env, callId: string) =>
  env.CALL_SESSION.get(env.CALL_SESSION.idFromName(callId));

/** The batch's BatchDispatcher: its recipients and the dialling loop. */
export const dispatcherFor = (env: Env, batchId: string) =>
  env.BATCH_DISPATCHER.get(env.BATCH_DISPATCHER.idFromName(batchId));

/** The account's RtbExchange: its rtb rate window and every endpoint's holds, caps and bids. */
export const exchangeFor = (env: Env, accountId: string) =>
  env.RTB_EXCHANGE.get(env.RTB_EXCHANGE.idFromName(accountId));
