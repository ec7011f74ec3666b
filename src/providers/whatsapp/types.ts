import type { ScriptedStep } from '../../db/types';

export interface OutboundMessage {
  messageId: string;
  to: string;
  type: 'text' | 'template';
  content: string | { name: string; language: string; parameters?: string[] };
  /** Meta's phone number id to send from, when the account has one. */
  phoneNumberId: string | null;
  metadata: Record<string, unknown>;
}

export interface WhatsAppProvider {
  readonly name: 'simulator' | 'meta';
  send(msg: OutboundMessage): Promise<{ providerMessageId: string; script?: ScriptedStep[] }>;
}
