import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

/** One per account: rate windows and concurrency leases (filled in by the limits work). */
export class AccountLimiter extends DurableObject<Env> {}
