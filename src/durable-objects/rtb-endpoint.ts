import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

/** One per RTB endpoint: caps, holds and bids (filled in by the RTB work). */
export class RtbEndpoint extends DurableObject<Env> {}
