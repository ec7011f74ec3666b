// Permit leases (issue #15, README "Rate limits and concurrency"): isolates spend `api` permits from
// leases their AccountLimiter grants, and all of them together never exceed the window's limit.
// Each `PermitLeases` below stands for one isolate; all talk to the real AccountLimiter object, and the
// object and the isolates read one hand-driven clock.
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { AccountLimiter } from '../../src/durable-objects/account-limiter';
import { LEASE_TTL_MS, PermitLeases } from '../../src/middleware/permit-leases';
import { createAccount, env, expectEnvelope, request } from '../helpers/harness';

const WINDOW = 60_000;
const limiter = (name: string) => env.ACCOUNT_LIMITER.get(env.ACCOUNT_LIMITER.idFromName(name));

async function setup(start = 1_900_000_000_000) {
  const name = `leases-${crypto.randomUUID()}`;
  const clock = { now: start };
  await runInDurableObject(limiter(name), (inst: AccountLimiter) => {
    inst.clock = () => clock.now;
  });
  const isolate = () => {
    const p = new PermitLeases();
    p.clock = () => clock.now;
    return p;
  };
  const spend = (p: PermitLeases, limit: number) => p.spend(name, 'api', limit, WINDOW, () => limiter(name));
  return { name, clock, isolate, spend };
}

/** The most admissions in any window (t − 60 s, t]. */
function maxInWindow(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[j] <= s[i] - WINDOW) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('permit leases', () => {
  it('two isolates spending leases never admit more than the limit in any window', async () => {
    const { clock, isolate, spend } = await setup();
    const a = isolate();
    const b = isolate();
    const limit = 100;
    const admitted: number[] = [];
    let refused = 0;
    let leased = 0;
    // Three minutes of steady demand from both, faster than the limit allows, with bursts of concurrent
    // requests in each isolate; time moves 1–400 ms between bursts.
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const end = clock.now + 3 * WINDOW;
    while (clock.now < end) {
      const burst = await Promise.all(
        Array.from({ length: 1 + Math.floor(rnd() * 6) }, (_, i) => spend(i % 2 ? a : b, limit)),
      );
      for (const d of burst) {
        if (d.allowed) admitted.push(clock.now);
        else refused++;
      }
      leased += burst.length;
      clock.now += 1 + Math.floor(rnd() * 400);
    }
    expect(refused).toBeGreaterThan(0);
    expect(maxInWindow(admitted)).toBeLessThanOrEqual(limit);
    // And the leases were really used: far fewer limiter round trips than requests would show nothing,
    // so check the window was nearly filled (early refusals only while the other isolate held permits).
    expect(maxInWindow(admitted)).toBeGreaterThanOrEqual(limit * 0.9);
    expect(leased).toBeGreaterThan(limit * 3);
  });

  it('a burst spent from a lease is counted where it could last be spent: never more than the limit', async () => {
    const { clock, isolate, spend } = await setup();
    const a = isolate();
    const b = isolate();
    const limit = 50;
    // A warms up (demand ~1 000/s), takes a lease, and spends it all at the end of its life.
    const spentAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      if ((await spend(a, limit)).allowed) spentAt.push(clock.now);
      clock.now += 1;
    }
    clock.now += LEASE_TTL_MS - 10;
    for (let i = 0; i < limit; i++) if ((await spend(a, limit)).allowed) spentAt.push(clock.now);
    // Exactly when the first requests leave the window, B asks for everything it can get.
    clock.now = spentAt[0] + WINDOW;
    for (let i = 0; i < 3 * limit; i++) {
      if ((await spend(b, limit)).allowed) spentAt.push(clock.now);
      clock.now += 1;
    }
    expect(maxInWindow(spentAt)).toBeLessThanOrEqual(limit);
  });

  it('an expired lease gives its unspent permits back when its holder reports; unreported, a window after its deadline', async () => {
    const { name, clock, isolate, spend } = await setup();
    const a = isolate();
    const b = isolate();
    const limit = 40;
    // A's demand is high: its second request brings a lease of half of what is left.
    expect((await spend(a, limit)).allowed).toBe(true);
    clock.now += 1;
    const second = await spend(a, limit);
    expect(second).toMatchObject({ allowed: true, remaining: 38 });
    const reserved = await runInDurableObject(limiter(name), (_i, state) =>
      state.storage.sql
        .exec<{ n: number; at: number }>('SELECT n, at FROM permit_leases WHERE settled = 0')
        .one(),
    );
    expect(reserved).toEqual({ n: 19, at: clock.now + LEASE_TTL_MS });
    // A spends 3 of its 19 locally (the headers count down as if each were a round trip).
    for (const r of [37, 36, 35])
      expect(await spend(a, limit)).toMatchObject({ allowed: true, remaining: r });
    // B gets what is not leased to A: 40 − 2 counted − 19 leased = 19 (refused early: documented).
    let bAdmitted = 0;
    for (let i = 0; i < 40; i++) if ((await spend(b, limit)).allowed) bAdmitted++;
    expect(bAdmitted).toBe(19);
    const early = await spend(b, limit);
    expect(early.allowed).toBe(false);
    // A's lease expires; its next request hands back the 16 unspent permits and takes one of them.
    clock.now += LEASE_TTL_MS;
    expect((await spend(a, limit)).allowed).toBe(true);
    let after = 0;
    for (let i = 0; i < 40; i++) if ((await spend(b, limit)).allowed) after++;
    for (let i = 0; i < 40; i++) if ((await spend(a, limit)).allowed) after++;
    // 40 − (2 + 3 + 19 + 1) = 15: every permit of the window is spent, none twice.
    expect(after).toBe(15);
  });
  it('a lease whose holder vanishes frees its permits a window after its deadline, not before', async () => {
    const { clock, isolate, spend } = await setup();
    const a = isolate();
    const b = isolate();
    const limit = 20;
    const t0 = clock.now;
    expect((await spend(a, limit)).allowed).toBe(true);
    clock.now += 1;
    expect((await spend(a, limit)).allowed).toBe(true); // brings a lease of 9; A then disappears
    let got = 0;
    for (let i = 0; i < 30; i++) if ((await spend(b, limit)).allowed) got++;
    expect(got).toBe(9); // 20 − 2 − 9 leased to A
    // A window later A's two requests and B's nine leave it; A's nine leased permits do not.
    clock.now = t0 + 1 + WINDOW;
    got = 0;
    for (let i = 0; i < 30; i++) if ((await spend(b, limit)).allowed) got++;
    expect(got).toBe(11);
    // A's 9 could have been spent until t0 + 1 + 1 s, so they count until a window after that.
    clock.now = t0 + 1 + LEASE_TTL_MS + WINDOW - 1;
    expect((await spend(b, limit)).allowed).toBe(false);
    clock.now += 1;
    got = 0;
    for (let i = 0; i < 30; i++) if ((await spend(b, limit)).allowed) got++;
    expect(got).toBe(9);
  });
});

describe('permit leases over HTTP', () => {
  it('api requests count down exactly and the limit+1-th is a 429 with Retry-After', async () => {
    const acct = await createAccount('growth', { limits: { api_per_minute: 30 } });
    let roundTrips = 0;
    await runInDurableObject(limiter(acct.id), (inst: AccountLimiter) => {
      inst.observe = (kind, cls) => {
        if (kind === 'hit' && cls === 'api') roundTrips++;
      };
    });
    const seen: string[] = [];
    let n = 2; // createAccount spent two api requests
    for (; n < 30; n++) {
      const r = await request('GET', '/v1/agents', { key: acct.key });
      expect(r.status).toBe(200);
      seen.push(r.headers.get('RateLimit') ?? '');
    }
    expect(seen.map((h) => Number(/r=(\d+)/.exec(h)?.[1]))).toEqual(
      Array.from({ length: 28 }, (_, i) => 27 - i),
    );
    const refused = await request('GET', '/v1/agents', { key: acct.key });
    expect(refused.status).toBe(429);
    expect(expectEnvelope(refused).code).toBe('rate_limited');
    expect(refused.headers.get('RateLimit-Policy')).toBe('"api";q=30;w=60');
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    // The isolate spent leases: far fewer limiter round trips than requests.
    expect(roundTrips).toBeLessThan(15);
  });
});
