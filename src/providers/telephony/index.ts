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
  async verifyCredentials() {
    return {
      status: 'refused',
      param: 'account_sid',
      message: 'External calls hold no provider credentials',
    };
  },
};

/**
 * Who judges Twilio credentials before they are saved: Twilio itself (default), or with
 * PROVIDER_CREDENTIAL_CHECK=simulator the simulator, which accepts only its documented test credentials
 * (development and tests without a network; a real deployment leaves the setting unset).
 */
export function twilioCredentialChecker(env: Env, db: Db): TelephonyProvider {
  if (env.PROVIDER_CREDENTIAL_CHECK === 'simulator')
    return new SimulatorTelephony(simulatorTimeScale(env), db);
  return new TwilioTelephony({
    accountSid: '',
    restUser: '',
    restSecret: '',
    apiBase: env.TWILIO_API_BASE || 'https://api.twilio.com',
  });
}

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

export type { CredentialVerdict, ProviderEvent, TelephonyProvider } from './types';
