export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface OutboundMessage {
  messageId: string;
  to: string;
  type: 'text' | 'template';
  content: string | { name: string; language: string; parameters?: string[] };
  /** Meta's phone number id to send from, when the account has one. */
  phoneNumberId: string | null;
  metadata: Record<string, unknown>;
}

/** Something the provider says happened later: a status, or a reply from the recipient. */
export type ScriptedStep =
  | { afterMs: number; kind: 'status'; status: MessageStatus; error?: string }
  | { afterMs: number; kind: 'reply'; text: string };

export interface WhatsAppProvider {
  readonly name: 'simulator' | 'meta';
  send(msg: OutboundMessage): Promise<{ providerMessageId: string; script?: ScriptedStep[] }>;
}
