// The built-in WhatsApp provider: sent → delivered → read on timers, scripted by recipient number.
import type { ScriptedStep } from '../../db/types';
import type { CredentialVerdict } from '../telephony/types';
import type { MetaAccountCredentials, OutboundMessage, WhatsAppProvider } from './types';

/** The simulator's documented Meta test credentials (PROVIDER_CREDENTIAL_CHECK=simulator accepts only these). */
export const SIMULATOR_META_CREDENTIALS = {
  waba_id: '100000000000001',
  access_token: 'simulator_whatsapp_token_0001',
  app_secret: 'simulator_app_secret_0001',
} as const;

export const WHATSAPP_SIMULATOR_NUMBERS = {
  failed: '+15005550001', // not a WhatsApp user
  undelivered: '+15005550003', // sent, never delivered (phone off)
  replies: '+15005550005', // reads it and replies
} as const;

export const SIMULATED_REPLY = 'Yes, that works for me. Thanks!';

export class SimulatorWhatsApp implements WhatsAppProvider {
  readonly name = 'simulator' as const;
  constructor(private readonly timeScale: number) {}

  async verifyCredentials(c: MetaAccountCredentials): Promise<CredentialVerdict> {
    const t = SIMULATOR_META_CREDENTIALS;
    const wrong = [
      ['waba_id', c.wabaId !== t.waba_id],
      ['access_token', c.token !== t.access_token],
      ['app_secret', c.appSecret !== t.app_secret],
    ].find(([, bad]) => bad);
    return wrong
      ? {
          status: 'refused',
          param: wrong[0] as string,
          message: `Not the simulator's test ${wrong[0]} (README "Provider credentials")`,
        }
      : { status: 'valid' };
  }

  async send(msg: OutboundMessage) {
    const ms = (s: number) => Math.round(s * 1000 * this.timeScale);
    const script: ScriptedStep[] = [];
    if (msg.to === WHATSAPP_SIMULATOR_NUMBERS.failed) {
      script.push({
        afterMs: ms(1),
        kind: 'status',
        status: 'failed',
        error: '131026: Message undeliverable (recipient is not a WhatsApp user)',
      });
    } else {
      script.push({ afterMs: ms(1), kind: 'status', status: 'sent' });
      if (msg.to !== WHATSAPP_SIMULATOR_NUMBERS.undelivered) {
        script.push(
          { afterMs: ms(2), kind: 'status', status: 'delivered' },
          { afterMs: ms(5), kind: 'status', status: 'read' },
        );
      }
      if (msg.to === WHATSAPP_SIMULATOR_NUMBERS.replies)
        script.push({ afterMs: ms(8), kind: 'reply', text: SIMULATED_REPLY });
    }
    return { providerMessageId: `wamid.sim.${msg.messageId}`, script };
  }
}
