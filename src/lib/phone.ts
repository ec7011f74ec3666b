// E.164: "+", then 8–15 digits, the first not 0.
export const E164 = /^\+[1-9]\d{7,14}$/;

export const isE164 = (s: string) => E164.test(s);

/**
 * A phone number as E.164, accepting the spellings dialers send: spaces, dashes, dots, parentheses,
 * a leading 00, and NANP numbers without the country code (10 digits) or without the "+" (11 digits, 1…).
 */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^[+\d\s().-]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/[^\d+]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (!digits.startsWith('+')) {
    if (/^[2-9]\d{9}$/.test(digits)) digits = `+1${digits}`;
    else if (/^1[2-9]\d{9}$/.test(digits)) digits = `+${digits}`;
    else return null;
  }
  return isE164(digits) ? digits : null;
}
