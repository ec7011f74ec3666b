import type { Env } from '../../env';
import type { Db } from '../../db/client';
import { SimulatorTelephony } from './simulator';
import { type TwilioConfig, TwilioTelephony } from './twilio';
import type { TelephonyProvider } from './types';

export function simulatorTimeScale(env: Env) {
  const v = Number(env.SIMULATOR_TIME_SCALE ?? '1');
  return Number.isFinite(v) && v > 0 ? v : 1;
}

/** The provider a call uses, chosen per phone number (default TELEPHONY_PROVIDER). */
/** Calls an external voice runtime reports to /v2/webhooks/call-events: callplane cannot dial or hang them up, only record. */
const external: TelephonyProvider = {
  name: 'external',
  timeScale: 1,
  async dial() {
    throw new Error('external calls are dialled by their own runtime');
  },
  async hangup(_id, answered) {
    return answered ? { status: 'completed' } : { status: 'canceled' };
  },
  async lookup() {
    return { status: 'unknown' };
  },
};

/** The provider for a call; Twilio with the credentials of the call's account (services/provider-credentials.ts resolves them). */
export function telephonyFor(env: Env, db: Db, name: string, twilio: TwilioConfig | null): TelephonyProvider {
  if (name === 'external') return external;
  if (name === 'twilio') {
    if (!twilio)
      throw new Error('This account has no Twilio credentials (PUT /v1/provider_credentials/twilio)');
    return new TwilioTelephony(twilio);
  }
  return new SimulatorTelephony(simulatorTimeScale(env), db);
}

export type { ProviderEvent, TelephonyProvider } from './types';
