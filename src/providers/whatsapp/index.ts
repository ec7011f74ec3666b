import type { Env } from '../../env';
import { simulatorTimeScale } from '../telephony';
import { type MetaConfig, MetaWhatsApp } from './meta';
import { SimulatorWhatsApp } from './simulator';
import type { WhatsAppProvider } from './types';

/** Who judges Meta credentials before they are saved: Meta (default) or the simulator (see twilioCredentialChecker). */
export function metaCredentialChecker(env: Env): WhatsAppProvider {
  if (env.PROVIDER_CREDENTIAL_CHECK === 'simulator') return new SimulatorWhatsApp(simulatorTimeScale(env));
  return new MetaWhatsApp({
    token: '',
    graphBase: env.META_GRAPH_BASE || 'https://graph.facebook.com/v21.0',
    defaultPhoneNumberId: null,
  });
}

/** The provider for a message; Meta with the credentials of the message's account. */
export function whatsappFor(env: Env, name: string, meta: MetaConfig | null): WhatsAppProvider {
  if (name === 'meta') {
    if (!meta)
      throw new Error('This account has no WhatsApp credentials (PUT /v1/provider_credentials/whatsapp)');
    return new MetaWhatsApp(meta);
  }
  return new SimulatorWhatsApp(simulatorTimeScale(env));
}
