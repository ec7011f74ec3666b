import type { Env } from '../../env';
import { simulatorTimeScale } from '../telephony';
import { MetaWhatsApp } from './meta';
import { SimulatorWhatsApp } from './simulator';
import type { WhatsAppProvider } from './types';

export function metaConfig(env: Env) {
  if (!env.META_WHATSAPP_TOKEN) return null;
  return {
    token: env.META_WHATSAPP_TOKEN,
    graphBase: env.META_GRAPH_BASE || 'https://graph.facebook.com/v21.0',
    defaultPhoneNumberId: env.META_PHONE_NUMBER_ID || null,
  };
}

export function whatsappFor(env: Env, name: string): WhatsAppProvider {
  if (name === 'meta') {
    const cfg = metaConfig(env);
    if (!cfg) throw new Error('META_WHATSAPP_TOKEN must be set to send through Meta');
    return new MetaWhatsApp(cfg);
  }
  return new SimulatorWhatsApp(simulatorTimeScale(env));
}
