// Identifiers: a type prefix, a time-ordered part (so ids sort by creation) and 80 random bits.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function encode(bytes: Uint8Array): string {
  let bits = 0,
    value = 0,
    out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function newId(prefix: string, now = Date.now()): string {
  let t = now,
    time = '';
  for (let i = 0; i < 9; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${encode(crypto.getRandomValues(new Uint8Array(10)))}`;
}

/** A secret with `bytes` of randomness, URL-safe. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}${encode(crypto.getRandomValues(new Uint8Array(bytes)))}`;
}
