import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

/** One per live call: its state machine and timers (filled in by the lifecycle work). */
export class CallSession extends DurableObject<Env> {}
