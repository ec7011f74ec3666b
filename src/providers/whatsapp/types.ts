import type { ScriptedStep } from '../../db/types';
import type { CredentialVerdict } from '../telephony/types';

/** An account's Meta credentials as they are about to be saved, and the phone number ids it has registered. */
export interface MetaAccountCredentials {
  wabaId: string;
  token: string;
  appSecret: string;
  phoneNumberIds: string[];
}

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
  /** Whether Meta accepts these credentials for the WABA (asked before they are saved; never stores them). */
  verifyCredentials(c: MetaAccountCredentials): Promise<CredentialVerdict>;
}
