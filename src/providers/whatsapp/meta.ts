// Meta's WhatsApp Cloud API: Graph /{phone-number-id}/messages; callbacks signed with X-Hub-Signature-256.
import type { MessageStatus } from '../../db/types';
import type { CredentialVerdict } from '../telephony/types';
import type { MetaAccountCredentials, OutboundMessage, WhatsAppProvider } from './types';

export interface MetaConfig {
  token: string;
  graphBase: string;
  defaultPhoneNumberId: string | null;
  /** The Meta app's secret: every Graph call then carries appsecret_proof (apps with "Require App Secret" demand it). */
  appSecret?: string | null;
}

/** `appsecret_proof` for a Graph call: hex HMAC-SHA256 of the access token under the app secret, or none. */
export async function appSecretProof(token: string, appSecret: string | null | undefined) {
  return appSecret ? hmacHex(appSecret, token) : undefined;
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

  /**
   * GET /{waba_id}?fields=id,name with the token and its appsecret_proof (HMAC-SHA256 of the token under the
   * app secret, which Graph checks whenever it is sent), then the WABA's phone numbers: every id the account
   * has registered must still be listed there. Graph's error codes decide which field is named: 190 the
   * token, an invalid appsecret_proof the app secret, 100 (no such object for this token) the WABA id.
   */
  async verifyCredentials(c: MetaAccountCredentials): Promise<CredentialVerdict> {
    const proof = await hmacHex(c.appSecret, c.token);
    const url = `${this.cfg.graphBase}/${encodeURIComponent(c.wabaId)}?fields=id,name&appsecret_proof=${proof}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { Authorization: `Bearer ${c.token}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      return { status: 'unavailable', message: `Meta could not be reached (${String(err).slice(0, 100)})` };
    }
    const text = await res.text();
    let body: { id?: unknown; error?: { code?: unknown; message?: unknown } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // judged by the status below
    }
    const code = body.error?.code;
    const said = typeof body.error?.message === 'string' ? body.error.message.slice(0, 200) : '';
    const refused = (param: string, message: string): CredentialVerdict => ({
      status: 'refused',
      param,
      message,
    });
    if (res.status === 429 || res.status >= 500 || code === 4 || code === 80008)
      return { status: 'unavailable', message: `Meta answered ${res.status}; nothing was saved, try again` };
    if (!res.ok || body.error) {
      if (code === 190 || res.status === 401)
        return refused(
          'access_token',
          `Meta did not accept this access token (${said || 'OAuthException 190'})`,
        );
      if (/appsecret_proof/i.test(said))
        return refused(
          'app_secret',
          'Meta did not accept this app secret for the access token (appsecret_proof)',
        );
      if (code === 10 || code === 200 || res.status === 403)
        return refused('access_token', `This access token may not read WABA ${c.wabaId} (${said})`);
      return refused(
        'waba_id',
        `Meta has no WhatsApp Business Account ${c.wabaId} this token can read (${said})`,
      );
    }
    if (body.id !== c.wabaId)
      return refused('waba_id', `Meta answered for another object than WABA ${c.wabaId}`);
    if (!c.phoneNumberIds.length) return { status: 'valid' };
    let listed: Set<string> | null;
    try {
      listed = await wabaPhoneNumbers(
        { graphBase: this.cfg.graphBase, token: c.token, wabaId: c.wabaId },
        proof,
      );
    } catch {
      return { status: 'unavailable', message: "Meta's phone number list could not be read; try again" };
    }
    const missing = c.phoneNumberIds.find((id) => !listed?.has(id));
    if (missing)
      return refused(
        'waba_id',
        `Phone number id ${missing}, registered to a number of this account, is not in WABA ${c.wabaId} as this token sees it; release that number first`,
      );
    return { status: 'valid' };
  }

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
    const proof = await appSecretProof(this.cfg.token, this.cfg.appSecret);
    const res = await fetch(
      `${this.cfg.graphBase}/${phoneNumberId}/messages${proof ? `?appsecret_proof=${proof}` : ''}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.cfg.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    const text = await res.text();
    if (!res.ok) throw new MetaError(res.status, text);
    const parsed = JSON.parse(text) as { messages?: Array<{ id: string }> };
    const id = parsed.messages?.[0]?.id;
    if (!id) throw new MetaError(502, `no message id in ${text.slice(0, 200)}`);
    return { providerMessageId: id };
  }
}

/**
 * The WABA's phone numbers (id → display number), pages followed only on the same Graph origin; null when
 * Graph refuses the token or the WABA (a 4xx). A 5xx or an unreadable answer throws MetaError.
 */
async function wabaPhoneNumbersById(
  cfg: { graphBase: string; token: string; wabaId: string },
  proof?: string,
): Promise<Map<string, string> | null> {
  let url: string | null =
    `${cfg.graphBase}/${encodeURIComponent(cfg.wabaId)}/phone_numbers?fields=id,display_phone_number&limit=100${proof ? `&appsecret_proof=${proof}` : ''}`;
  const origin = new URL(cfg.graphBase).origin;
  const out = new Map<string, string>();
  for (let page = 0; url && page < 10; page++) {
    const res: Response = await fetch(url, {
      headers: { Authorization: `Bearer ${cfg.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status >= 400 && res.status < 500) return null;
    if (!res.ok) throw new MetaError(res.status, text);
    let body: { data?: unknown; paging?: { next?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new MetaError(502, `unreadable phone_numbers answer: ${text.slice(0, 100)}`);
    }
    // The first listing of an id counts (as a reader going down the pages would find it).
    for (const n of Array.isArray(body.data) ? body.data : [])
      if (typeof n?.id === 'string' && !out.has(n.id)) out.set(n.id, String(n.display_phone_number ?? ''));
    const next = typeof body.paging?.next === 'string' ? body.paging.next : null;
    url = next && next.startsWith(`${origin}/`) ? next : null;
  }
  return out;
}

/** The ids of the WABA's phone numbers (empty when Graph refuses; throws when it cannot be asked). */
async function wabaPhoneNumbers(cfg: { graphBase: string; token: string; wabaId: string }, proof?: string) {
  return new Set((await wabaPhoneNumbersById(cfg, proof))?.keys() ?? []);
}

/**
 * Verified ownership: whether Meta lists `phoneNumberId` among the WABA's phone numbers, with a display
 * number equal to `number` (digits compared).
 */
export async function wabaHasNumber(
  cfg: { graphBase: string; token: string; wabaId: string | null; appSecret?: string | null },
  phoneNumberId: string,
  number: string,
): Promise<boolean> {
  if (!cfg.wabaId) return false;
  const digits = (s: unknown) => String(s ?? '').replace(/\D/g, '');
  const listed = await wabaPhoneNumbersById(
    { ...cfg, wabaId: cfg.wabaId },
    await appSecretProof(cfg.token, cfg.appSecret),
  );
  const display = listed?.get(phoneNumberId);
  return display !== undefined && digits(display) === digits(number);
}

async function hmacHex(secret: string, data: string) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256(app secret, raw body). */
export async function metaSignature(appSecret: string, rawBody: string): Promise<string> {
  return `sha256=${await hmacHex(appSecret, rawBody)}`;
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
