// The built-in telephony provider: real timers, outcomes scripted by destination number (README "Calls and their lifecycle").
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { simulatorDials } from '../../db/schema';
import type {
  CredentialVerdict,
  DialLookup,
  DialRequest,
  DialResult,
  ProviderEvent,
  TelephonyProvider,
  TwilioAccountCredentials,
} from './types';

export const SIMULATOR_NUMBERS = {
  failed: '+15005550001',
  busy: '+15005550002',
  noAnswer: '+15005550003',
  voicemail: '+15005550004',
} as const;

/**
 * The simulator's documented test credentials (README "Provider credentials"): with
 * PROVIDER_CREDENTIAL_CHECK=simulator these, and only these, are accepted — no provider is asked.
 */
export const SIMULATOR_TWILIO_CREDENTIALS = {
  account_sid: 'ACc0ffee00000000000000000000000001',
  auth_token: 'simulator_auth_token_0001',
  api_key: { sid: 'SKc0ffee00000000000000000000000001', secret: 'simulator_api_key_secret_0001' },
} as const;

/** Checks `c` against the simulator's test credentials, naming the first field that differs. */
export function verifySimulatorTwilio(c: TwilioAccountCredentials): CredentialVerdict {
  const t = SIMULATOR_TWILIO_CREDENTIALS;
  const refused = (param: string, what: string): CredentialVerdict => ({
    status: 'refused',
    param,
    message: `Not the simulator's test ${what} (README "Provider credentials")`,
  });
  if (c.accountSid !== t.account_sid) return refused('account_sid', 'Account SID');
  if (c.authToken !== t.auth_token) return refused('auth_token', 'auth token');
  if (c.apiKey && c.apiKey.sid !== t.api_key.sid) return refused('api_key.sid', 'API key SID');
  if (c.apiKey && c.apiKey.secret !== t.api_key.secret) return refused('api_key.secret', 'API key secret');
  return { status: 'valid' };
}

export interface SimulateOptions {
  talk_seconds?: number;
  /** How long the phone rings before it is answered (default 3). */
  ring_seconds?: number;
  hangup_by?: 'customer' | 'agent';
  converted?: boolean;
  payout?: number;
  sentiment?: 'positive' | 'neutral' | 'negative';
  outcome?: string;
  analysis?: Record<string, unknown>;
}

export function simulateOptions(metadata: Record<string, unknown> | null | undefined): SimulateOptions {
  const s = metadata?.simulate;
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as SimulateOptions) : {};
}

export const DEFAULT_TALK_SECONDS = 42;
const RING_SECONDS = 3;
const clampRing = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(Math.max(v, 0), 600) : RING_SECONDS;
const NO_ANSWER_SECONDS = 20;

export class SimulatorTelephony implements TelephonyProvider {
  readonly name = 'simulator' as const;
  constructor(
    readonly timeScale: number,
    private readonly db: Db,
  ) {}

  /** Places the call: the ledger row is the provider's record that it exists (one row per dial). */
  async dial(req: DialRequest): Promise<DialResult> {
    const providerCallId = `sim_${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
    await this.db.insert(simulatorDials).values({
      providerCallId,
      callId: req.callId,
      toNumber: req.to,
      dialedAtMs: Date.now(),
      agent: req.agent ?? null,
    });
    return { providerCallId, script: this.script(req, 0) };
  }

  /** The ledger is authoritative: a call it does not hold was never placed. */
  async lookup(req: DialRequest): Promise<DialLookup> {
    const [row] = await this.db.select().from(simulatorDials).where(eq(simulatorDials.callId, req.callId));
    if (!row) return { status: 'absent' };
    return {
      status: 'found',
      result: { providerCallId: row.providerCallId, script: this.script(req, Date.now() - row.dialedAtMs) },
    };
  }

  /** The scripted outcome by destination, with `elapsedMs` of it already past (steps due now run at once). */
  private script(req: DialRequest, elapsedMs: number): DialResult['script'] {
    const ms = (s: number) => Math.round(s * 1000 * this.timeScale);
    const sim = simulateOptions(req.metadata);
    const script: DialResult['script'] = [{ afterMs: 0, event: { status: 'initiated' } }];
    const ring = (after: number) => script.push({ afterMs: ms(after), event: { status: 'ringing' } });
    switch (req.to) {
      case SIMULATOR_NUMBERS.failed:
        script.push({ afterMs: ms(1), event: { status: 'failed', endReason: 'failed' } });
        break;
      case SIMULATOR_NUMBERS.busy:
        ring(1);
        script.push({
          afterMs: ms(1 + clampRing(sim.ring_seconds)),
          event: { status: 'busy', endReason: 'busy' },
        });
        break;
      case SIMULATOR_NUMBERS.noAnswer:
        ring(1);
        script.push({
          afterMs: ms(1 + NO_ANSWER_SECONDS),
          event: { status: 'no_answer', endReason: 'no_answer' },
        });
        break;
      default: {
        const voicemail = req.to === SIMULATOR_NUMBERS.voicemail;
        const talk = voicemail ? 8 : clampTalk(sim.talk_seconds);
        const answerAt = 1 + clampRing(sim.ring_seconds);
        ring(1);
        script.push({ afterMs: ms(answerAt), event: { status: 'in_progress' } });
        const by = voicemail ? 'agent' : (sim.hangup_by ?? 'customer');
        script.push({
          afterMs: ms(answerAt + talk),
          event: {
            status: 'completed',
            hangupBy: by,
            endReason: voicemail ? 'voicemail' : `${by}_hangup`,
            outcome: voicemail ? 'voicemail' : undefined,
            duration: talk, // simulated seconds, whatever the timers' real latency
          },
        });
      }
    }
    return script.map((x) => ({ ...x, afterMs: Math.max(0, x.afterMs - elapsedMs) }));
  }

  async verifyCredentials(c: TwilioAccountCredentials): Promise<CredentialVerdict> {
    return verifySimulatorTwilio(c);
  }

  async hangup(_id: string, answered: boolean): Promise<ProviderEvent> {
    return answered
      ? { status: 'completed', hangupBy: 'api', endReason: 'api_hangup' }
      : { status: 'canceled', hangupBy: 'api', endReason: 'api_hangup' };
  }
}

function clampTalk(v: unknown): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? v : DEFAULT_TALK_SECONDS;
  return Math.min(Math.max(n, 1), 7200);
}
