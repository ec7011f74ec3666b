// Secrets at rest: AES-256-GCM (WebCrypto) under a keyring from the Worker secret PROVIDER_SECRETS_KEYS,
// "id:base64key,id2:base64key2" — the first key encrypts, every listed key decrypts, so a key is rotated by
// putting a new one first and re-encrypting (POST /admin/provider_credentials/reencrypt). The additional
// data binds each ciphertext to its row, so a ciphertext copied onto another account's row does not open.
import { DomainError } from './errors';

export interface Keyring {
  currentId: string;
  keys: Map<string, CryptoKey>;
}

const cache = new Map<string, Promise<Keyring | null>>();
const enc = new TextEncoder();
const dec = new TextDecoder();

const fromB64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
const toB64 = (b: Uint8Array) => {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
};

async function parse(spec: string): Promise<Keyring | null> {
  const keys = new Map<string, CryptoKey>();
  let currentId = '';
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf(':');
    const id = part.slice(0, at);
    if (at < 1 || !/^[A-Za-z0-9_.-]{1,32}$/.test(id)) throw new Error('PROVIDER_SECRETS_KEYS: bad key id');
    const raw = fromB64(part.slice(at + 1));
    if (raw.length !== 32) throw new Error(`PROVIDER_SECRETS_KEYS: key ${id} must be 32 bytes`);
    keys.set(id, await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    currentId ||= id;
  }
  return currentId ? { currentId, keys } : null;
}

/** The keyring, or null when the operator set none (then no provider credentials can be stored). */
export function keyring(spec: string | undefined): Promise<Keyring | null> {
  const s = spec ?? '';
  let k = cache.get(s);
  if (!k) {
    k = parse(s);
    cache.set(s, k);
  }
  return k;
}

export async function requireKeyring(spec: string | undefined): Promise<Keyring> {
  const k = await keyring(spec).catch(() => null);
  if (!k)
    throw new DomainError(
      'unprocessable',
      'This deployment stores no provider credentials: the operator has not set PROVIDER_SECRETS_KEYS',
    );
  return k;
}

/** `base64(iv ‖ ciphertext+tag)` under the current key. */
export async function seal(ring: Keyring, aad: string, plaintext: string) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = ring.keys.get(ring.currentId) as CryptoKey;
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: enc.encode(aad) },
      key,
      enc.encode(plaintext),
    ),
  );
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return { keyId: ring.currentId, ciphertext: toB64(out) };
}

/** Opens a sealed value; throws when the key id is not in the ring or the data was altered or moved. */
export async function open(ring: Keyring, keyId: string, aad: string, ciphertext: string) {
  const key = ring.keys.get(keyId);
  if (!key) throw new Error(`provider secret sealed under unknown key ${keyId}`);
  const raw = fromB64(ciphertext);
  const pt = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: raw.slice(0, 12), additionalData: enc.encode(aad) },
    key,
    raw.slice(12),
  );
  return dec.decode(pt);
}
