import type { DialAgent } from '../../db/schema';
import type { CallStatus } from '../../db/types';

/** Something a provider says happened to a call. The CallSession decides whether it still applies. */
export interface ProviderEvent {
  status: CallStatus;
  hangupBy?: 'customer' | 'agent' | 'api' | 'system';
  endReason?: string;
  outcome?: string;
  /** Seconds of talk time, when the provider reports it. */
  duration?: number;
  providerCallId?: string;
  /** When the provider says the call started / was answered / ended (unix seconds); default: now. */
  startedAt?: number;
  answeredAt?: number;
  endedAt?: number;
}

export interface DialRequest {
  callId: string;
  from: string | null;
  to: string;
  maxDuration: number;
  metadata: Record<string, unknown>;
  publicBaseUrl: string;
  /** The agent version the call uses, as the voice runtime should run it (null: no agent). */
  agent?: DialAgent | null;
}

export interface DialResult {
  providerCallId: string;
  /** Events the provider will report on its own (the simulator's script), relative to now. */
  script?: Array<{ afterMs: number; event: ProviderEvent }>;
}

export interface TelephonyProvider {
  readonly name: 'simulator' | 'twilio' | 'external';
  /** Seconds of real time per second of call time (the simulator can run faster than life). */
  readonly timeScale: number;
  dial(req: DialRequest): Promise<DialResult>;
  /** Ends a live or ringing call. Returns the final event when the provider will not call back. */
  hangup(providerCallId: string, answered: boolean): Promise<ProviderEvent | null>;
  /**
   * After a crash between recording a dial intent and saving the provider's call id: did the provider
   * place this call? `found` adopts it, `absent` (only when the provider's record is authoritative) lets
   * the session dial, `unknown` ends the call as `dial_uncertain` — never a blind redial.
   */
  lookup(req: DialRequest, sinceMs: number): Promise<DialLookup>;
  /** Whether the provider accepts these credentials (asked before they are saved; never stores them). */
  verifyCredentials(c: TwilioAccountCredentials): Promise<CredentialVerdict>;
}

export type DialLookup =
  | { status: 'found'; result: DialResult }
  | { status: 'absent' }
  | { status: 'unknown' };

/** An account's Twilio login as it is about to be saved (PUT /v1/provider_credentials/twilio). */
export interface TwilioAccountCredentials {
  accountSid: string;
  authToken: string;
  apiKey?: { sid: string; secret: string };
}

/**
 * What a provider says of credentials before they are saved: `refused` names the input field that is wrong
 * (answered 400 with that `param`), `unavailable` means the provider could not be asked (503, nothing stored).
 */
export type CredentialVerdict =
  | { status: 'valid' }
  | { status: 'refused'; param: string; message: string }
  | { status: 'unavailable'; message: string };
