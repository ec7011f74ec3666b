import { getDb } from '../../db/client';
import type { Env } from '../../env';
import { SimulatorTelephony } from './simulator';
import { TwilioTelephony } from './twilio';
import type { TelephonyProvider } from './types';

export function simulatorTimeScale(env: Env) {
  const v = Number(env.SIMULATOR_TIME_SCALE ?? '1');
  return Number.isFinite(v) && v > 0 ? v : 1;
}

export function twilioConfig(env: Env) {
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) return null;
  return {
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    apiBase: env.TWILIO_API_BASE || 'https://api.twilio.com',
  };
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

export function telephonyFor(env: Env, name: string): TelephonyProvider {
  if (name === 'external') return external;
  if (name === 'twilio') {
    const cfg = twilioConfig(env);
    if (!cfg) throw new Error('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set to place Twilio calls');
    return new TwilioTelephony(cfg);
  }
  return new SimulatorTelephony(simulatorTimeScale(env), getDb(env.DB));
}

export type { ProviderEvent, TelephonyProvider } from './types';
