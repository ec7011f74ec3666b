import type { Env } from '../../env';
import { simulatorTimeScale } from '../telephony';
import { type MetaConfig, MetaWhatsApp } from './meta';
import { SimulatorWhatsApp } from './simulator';
import type { WhatsAppProvider } from './types';

/** The provider for a message; Meta with the credentials of the message's account. */
export function whatsappFor(env: Env, name: string, meta: MetaConfig | null): WhatsAppProvider {
  if (name === 'meta') {
    if (!meta)
      throw new Error('This account has no WhatsApp credentials (PUT /v1/provider_credentials/whatsapp)');
    return new MetaWhatsApp(meta);
  }
  return new SimulatorWhatsApp(simulatorTimeScale(env));
}
