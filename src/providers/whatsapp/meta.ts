// Meta's WhatsApp Cloud API: Graph /{phone-number-id}/messages; callbacks signed with X-Hub-Signature-256.
import type { MessageStatus } from '../../db/types';
import type { OutboundMessage, WhatsAppProvider } from './types';

export interface MetaConfig {
  token: string;
  graphBase: string;
  defaultPhoneNumberId: string | null;
}

export class MetaError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Meta answered ${status}: ${body.slice(0, 300)}`);
  }
}

export class MetaWhatsApp implements WhatsAppProvider {
  readonly name = 'meta' as const;
  constructor(private readonly cfg: MetaConfig) {}

  async send(msg: OutboundMessage) {
    const phoneNumberId = msg.phoneNumberId ?? this.cfg.defaultPhoneNumberId;
    if (!phoneNumberId) throw new MetaError(400, 'no WhatsApp phone number id configured');
    const body =
      msg.type === 'text'
        ? {
            messaging_product: 'whatsapp',
            recipient_type: 'individual',
            to: msg.to.replace(/^\+/, ''),
            type: 'text',
            text: { preview_url: false, body: msg.content as string },
          }
        : (() => {
            const t = msg.content as { name: string; language: string; parameters?: string[] };
            return {
              messaging_product: 'whatsapp',
              to: msg.to.replace(/^\+/, ''),
              type: 'template',
              template: {
                name: t.name,
                language: { code: t.language },
                ...(t.parameters?.length
                  ? {
                      components: [
                        { type: 'body', parameters: t.parameters.map((text) => ({ type: 'text', text })) },
                      ],
                    }
                  : {}),
              },
            };
          })();
    const res = await fetch(`${this.cfg.graphBase}/${phoneNumberId}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.cfg.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new MetaError(res.status, text);
    const parsed = JSON.parse(text) as { messages?: Array<{ id: string }> };
    const id = parsed.messages?.[0]?.id;
    if (!id) throw new MetaError(502, `no message id in ${text.slice(0, 200)}`);
    return { providerMessageId: id };
  }
}

/**
 * Verified ownership: whether Meta lists `phoneNumberId` among the WABA's phone numbers, with a display
 * number equal to `number` (digits compared). Pages are followed only on the same Graph origin.
 */
export async function wabaHasNumber(
  cfg: { graphBase: string; token: string; wabaId: string | null },
  phoneNumberId: string,
  number: string,
): Promise<boolean> {
  if (!cfg.wabaId) return false;
  const digits = (s: unknown) => String(s ?? '').replace(/\D/g, '');
  let url: string | null =
    `${cfg.graphBase}/${encodeURIComponent(cfg.wabaId)}/phone_numbers?fields=id,display_phone_number&limit=100`;
  const origin = new URL(cfg.graphBase).origin;
  for (let page = 0; url && page < 10; page++) {
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${cfg.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status >= 400 && res.status < 500) return false;
    if (!res.ok) throw new MetaError(res.status, text);
    let body: { data?: unknown; paging?: { next?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new MetaError(502, `unreadable phone_numbers answer: ${text.slice(0, 100)}`);
    }
    const found = (Array.isArray(body.data) ? body.data : []).find((n) => n?.id === phoneNumberId);
    if (found) return digits(found.display_phone_number) === digits(number);
    const next = typeof body.paging?.next === 'string' ? body.paging.next : null;
    url = next && next.startsWith(`${origin}/`) ? next : null;
  }
  return false;
}

/** X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256(app secret, raw body). */
export async function metaSignature(appSecret: string, rawBody: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(appSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(rawBody)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface MetaWebhookItem {
  phoneNumberId: string | null;
  statuses: Array<{ id: string; status: MessageStatus; timestamp: number | null; error: string | null }>;
  messages: Array<{ id: string; from: string; timestamp: number | null; text: string; type: string }>;
}

/** Statuses and inbound messages out of Meta's entry[].changes[].value envelope; unknown shapes are skipped. */
export function parseMetaWebhook(body: unknown): MetaWebhookItem[] {
  const out: MetaWebhookItem[] = [];
  const entries = (body as { entry?: unknown })?.entry;
  if (!Array.isArray(entries)) return out;
  const known: MessageStatus[] = ['sent', 'delivered', 'read', 'failed'];
  for (const entry of entries) {
    for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
      const v = change?.value;
      if (change?.field !== 'messages' || !v || typeof v !== 'object') continue;
      const ts = (t: unknown) => (typeof t === 'string' && /^\d+$/.test(t) ? Number(t) : null);
      out.push({
        phoneNumberId: typeof v.metadata?.phone_number_id === 'string' ? v.metadata.phone_number_id : null,
        statuses: (Array.isArray(v.statuses) ? v.statuses : [])
          .filter((s: any) => typeof s?.id === 'string' && known.includes(s.status))
          .map((s: any) => ({
            id: s.id,
            status: s.status,
            timestamp: ts(s.timestamp),
            error: s.errors?.[0]
              ? `${s.errors[0].code}: ${s.errors[0].title ?? s.errors[0].message ?? ''}`
              : null,
          })),
        messages: (Array.isArray(v.messages) ? v.messages : [])
          .filter((m: any) => typeof m?.id === 'string' && typeof m?.from === 'string')
          .map((m: any) => ({
            id: m.id,
            from: `+${m.from.replace(/^\+/, '')}`,
            timestamp: ts(m.timestamp),
            type: String(m.type ?? 'text'),
            text:
              m.text?.body ??
              m.button?.text ??
              m.interactive?.button_reply?.title ??
              `[${m.type ?? 'message'}]`,
          })),
      });
    }
  }
  return out;
}
