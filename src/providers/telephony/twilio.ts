// Twilio Programmable Voice: REST call creation with status callbacks; callbacks verified by X-Twilio-Signature.
import type { CallStatus } from '../../db/types';
import type {
  CredentialVerdict,
  DialLookup,
  DialRequest,
  DialResult,
  ProviderEvent,
  TelephonyProvider,
  TwilioAccountCredentials,
} from './types';

export interface TwilioConfig {
  /** The Twilio account calls are placed in (the URL's /Accounts/{sid}). */
  accountSid: string;
  /** Basic-auth pair: the Account SID and auth token, or an API key SID and secret. */
  restUser: string;
  restSecret: string;
  apiBase: string;
}

/** Twilio's CallStatus → callplane's status. */
export const TWILIO_STATUS: Record<string, CallStatus> = {
  queued: 'queued',
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'in_progress',
  answered: 'in_progress',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'canceled',
};

export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Twilio answered ${status}: ${body.slice(0, 300)}`);
  }
}

export class TwilioTelephony implements TelephonyProvider {
  readonly name = 'twilio' as const;
  readonly timeScale = 1;
  constructor(private readonly cfg: TwilioConfig) {}

  private async post(path: string, form?: URLSearchParams) {
    const res = await fetch(`${this.cfg.apiBase}/2010-04-01/Accounts/${this.cfg.accountSid}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: {
        Authorization: twilioAuth(this.cfg),
        ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form,
    });
    const text = await res.text();
    if (!res.ok) throw new TwilioError(res.status, text);
    return JSON.parse(text) as Record<string, unknown>;
  }

  async dial(req: DialRequest): Promise<DialResult> {
    if (!req.from) throw new TwilioError(400, 'a from_number is required for Twilio calls');
    const q = `call_id=${encodeURIComponent(req.callId)}`;
    const form = new URLSearchParams({
      To: req.to,
      From: req.from,
      Url: `${req.publicBaseUrl}/providers/twilio/voice?${q}`,
      StatusCallback: `${req.publicBaseUrl}/providers/twilio/status?${q}`,
      StatusCallbackMethod: 'POST',
      Timeout: '30',
      TimeLimit: String(req.maxDuration),
    });
    for (const e of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', e);
    const created = await this.post('/Calls.json', form);
    return { providerCallId: String(created.sid) };
  }

  async hangup(providerCallId: string, answered: boolean): Promise<ProviderEvent | null> {
    // Twilio reports the final status through the status callback.
    await this.post(
      `/Calls/${providerCallId}.json`,
      new URLSearchParams({ Status: answered ? 'completed' : 'canceled' }),
    );
    return null;
  }

  /**
   * Twilio's call list does not show a call's callback URL, so a call is recognised by To and From,
   * created at or after the dial intent. Exactly one such call is adopted; none or several is `unknown`
   * (the list can lag behind a call just created, so "none" never proves the call was not placed).
   */
  async lookup(req: DialRequest, sinceMs: number): Promise<DialLookup> {
    if (!req.from) return { status: 'unknown' };
    // Not filtered by StartTime: a call still queued or ringing has none yet. Newest first.
    const q = new URLSearchParams({ To: req.to, From: req.from, PageSize: '20' });
    const list = await this.post(`/Calls.json?${q}`);
    const calls = Array.isArray(list.calls) ? (list.calls as Array<Record<string, unknown>>) : [];
    const matches = calls.filter((c) => {
      const created = Date.parse(String(c.date_created ?? ''));
      // Twilio's timestamps have whole seconds; allow that rounding.
      return c.to === req.to && c.from === req.from && Number.isFinite(created) && created >= sinceMs - 1000;
    });
    if (matches.length !== 1) return { status: 'unknown' };
    return { status: 'found', result: { providerCallId: String(matches[0].sid) } };
  }

  /**
   * Fetches the Account resource (GET /2010-04-01/Accounts/{Sid}.json) with the auth token, and again with
   * the API key pair when one is given: 401 refuses the secret that was used, 403/404 the id (an API key of
   * another account), a status other than `active` the Account SID. No answer, a 5xx or 429 is `unavailable`.
   * The answer carries the account's auth token: it is read for `sid` and `status` only, never logged.
   */
  async verifyCredentials(c: TwilioAccountCredentials): Promise<CredentialVerdict> {
    const logins = [
      { user: c.accountSid, secret: c.authToken, secretParam: 'auth_token', idParam: 'account_sid' },
    ];
    if (c.apiKey)
      logins.push({
        user: c.apiKey.sid,
        secret: c.apiKey.secret,
        secretParam: 'api_key.secret',
        idParam: 'api_key.sid',
      });
    for (const login of logins) {
      let res: Response;
      try {
        res = await fetch(
          `${this.cfg.apiBase}/2010-04-01/Accounts/${encodeURIComponent(c.accountSid)}.json`,
          {
            headers: { Authorization: twilioAuth({ restUser: login.user, restSecret: login.secret }) },
            signal: AbortSignal.timeout(10_000),
          },
        );
      } catch (err) {
        return {
          status: 'unavailable',
          message: `Twilio could not be reached (${String(err).slice(0, 100)})`,
        };
      }
      const text = await res.text();
      if (res.status === 401)
        return {
          status: 'refused',
          param: login.secretParam,
          message: `Twilio did not accept this ${login.secretParam === 'auth_token' ? 'auth token' : 'API key secret'} for ${login.user} (Twilio 20003 Authenticate)`,
        };
      if (res.status === 403 || res.status === 404)
        return {
          status: 'refused',
          param: login.idParam,
          message:
            login.idParam === 'account_sid'
              ? `Twilio has no account ${c.accountSid} for these credentials`
              : `API key ${login.user} does not belong to Twilio account ${c.accountSid}`,
        };
      if (!res.ok)
        return {
          status: 'unavailable',
          message: `Twilio answered ${res.status}; nothing was saved, try again`,
        };
      let account: { sid?: unknown; status?: unknown };
      try {
        account = JSON.parse(text);
      } catch {
        return {
          status: 'unavailable',
          message: 'Twilio gave an unreadable answer; nothing was saved, try again',
        };
      }
      if (account.sid !== c.accountSid)
        return {
          status: 'refused',
          param: 'account_sid',
          message: `Twilio answered for another account than ${c.accountSid}`,
        };
      if (account.status !== 'active')
        return {
          status: 'refused',
          param: 'account_sid',
          message: `Twilio account ${c.accountSid} is ${String(account.status)}, not active`,
        };
    }
    return { status: 'valid' };
  }
}

const twilioAuth = (cfg: Pick<TwilioConfig, 'restUser' | 'restSecret'>) =>
  `Basic ${btoa(`${cfg.restUser}:${cfg.restSecret}`)}`;

/**
 * Verified ownership: whether `number` is an IncomingPhoneNumber of the Twilio account. `false` when
 * Twilio lists no such number (or refuses the credentials); an unreachable Twilio throws TwilioError.
 */
export async function twilioHasNumber(cfg: TwilioConfig, number: string): Promise<boolean> {
  const q = new URLSearchParams({ PhoneNumber: number, PageSize: '20' });
  const res = await fetch(
    `${cfg.apiBase}/2010-04-01/Accounts/${encodeURIComponent(cfg.accountSid)}/IncomingPhoneNumbers.json?${q}`,
    { headers: { Authorization: twilioAuth(cfg) }, signal: AbortSignal.timeout(10_000) },
  );
  const text = await res.text();
  if (res.status === 401 || res.status === 403 || res.status === 404) return false;
  if (!res.ok) throw new TwilioError(res.status, text);
  let list: unknown;
  try {
    list = (JSON.parse(text) as { incoming_phone_numbers?: unknown }).incoming_phone_numbers;
  } catch {
    throw new TwilioError(502, `unreadable IncomingPhoneNumbers answer: ${text.slice(0, 100)}`);
  }
  return (
    Array.isArray(list) &&
    list.some(
      (n) => n?.phone_number === number && (n.account_sid === undefined || n.account_sid === cfg.accountSid),
    )
  );
}

/** X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + sorted form params as key+value)). */
export async function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
): Promise<string> {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => {
        const v = params[k];
        return Array.isArray(v)
          ? [...v]
              .sort()
              .map((x) => k + x)
              .join('')
          : k + v;
      })
      .join('');
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(authToken),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
  return btoa(String.fromCharCode(...mac));
}
