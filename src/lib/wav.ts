/** A mono 8 kHz 8-bit PCM WAV of silence. */
export function silentWav(seconds: number): Uint8Array<ArrayBuffer> {
  const rate = 8000,
    samples = Math.max(1, Math.round(seconds * rate));
  const buf = new Uint8Array(44 + samples);
  const view = new DataView(buf.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  text(36, 'data');
  view.setUint32(40, samples, true);
  buf.fill(128, 44);
  return buf;
}
