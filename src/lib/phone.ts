// E.164: "+", then 8–15 digits, the first not 0 (SPEC §6.1).
export const E164 = /^\+[1-9]\d{7,14}$/;

export const isE164 = (s: string) => E164.test(s);
