// Issues 7 and 15: the RTB ping against a 50-route endpoint beside /healthz on the same server (latency at
// concurrency 1, throughput at 32), allocation_time_seconds as the Worker measured it, and with
// BENCH_BASELINE=<a clone of main> the same case on that checkout, interleaved.
import { abBench } from './lib/ab.mjs';
import { fmt } from './lib/measure.mjs';
import { api, benchPort, seedAccount, startServer } from './lib/server.mjs';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function seedEndpoint(base) {
  const acct = await seedAccount(base, {
    limits: { api_per_minute: 1_000_000, rtb_per_minute: 1_000_000 },
  });
  const ep = await api(base, 'POST', '/v1/rtb_endpoints', acct.key, {
    name: 'Bench publisher',
    campaign_name: 'bench',
  });
  const states = ['NY', 'CA', 'TX', 'FL', 'IL'];
  const open = { timezone: 'America/New_York', hours: {} };
  for (const d of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) open.hours[d] = [['00:00', '24:00']];
  for (let i = 0; i < 50; i++) {
    await api(base, 'POST', `/v1/rtb_endpoints/${ep.id}/routes`, acct.key, {
      buyer: `Buyer ${i}`,
      number: `+1555${String(2000000 + i)}`,
      payout: 5 + (i % 17) * 3,
      priority: i % 3,
      weight: 1 + (i % 5),
      payout_condition: i % 2 ? 'connected' : null,
      payout_condition_duration: i % 2 ? 90 : null,
      duration: 120,
      schedule: i % 4 === 0 ? open : null,
      geo: i % 5 === 0 ? { include: { states: [states[i % 5], 'NY'] }, exclude: { zips: ['10004'] } } : null,
      caps: i % 3 === 0 ? { hourly: 100_000, daily: 1_000_000, concurrency: 10_000 } : null,
    });
  }
  return ep;
}

export async function benchRtb({ quick = false } = {}) {
  const vars = process.env.BENCH_RTB_VARS ? JSON.parse(process.env.BENCH_RTB_VARS) : {};
  const baseline = process.env.BENCH_BASELINE;
  const specs = [
    { name: 'this', port: benchPort(8801, 2), vars },
    ...(baseline ? [{ name: 'baseline', port: benchPort(8802, 3), vars, cwd: baseline }] : []),
  ];
  const started = [];
  try {
    for (const s of specs) started.push({ ...s, server: await startServer(s) });
    const alloc = [];
    const servers = [];
    for (const s of started) {
      const ep = await seedEndpoint(s.server.base);
      let seq = 0;
      servers.push({
        name: s.name,
        base: s.server.base,
        target: {
          label: 'RTB ping',
          path: () =>
            `/inbound_rtb/${ep.rtb_id}?caller_id=%2B1212${String(5000000 + (seq++ % 4_000_000)).padStart(7, '0')}&zip_code=10001&pub_id=bench`,
          check: (b) => {
            const j = JSON.parse(b);
            if (s.name === 'this') alloc.push(j.allocation_time_seconds);
            if (j.allocated_count < 20) throw new Error(`unexpected answer ${b.slice(0, 200)}`);
          },
        },
      });
    }
    const r = await abBench({
      title: 'RTB ping, 50-route endpoint, beside /healthz (wrangler dev)',
      servers,
      requests: quick ? 300 : 1500,
      rounds: quick ? 1 : 3,
      connections: 32,
      seconds: quick ? 2 : 4,
    });
    const within = (ms) => (alloc.filter((a) => a * 1000 <= ms).length / alloc.length) * 100;
    console.log(
      `allocation_time_seconds (inside the Worker, 1 ms clock): p50 ${fmt(pct(alloc, 50) * 1000, 3)} ms, p99 ${fmt(pct(alloc, 99) * 1000, 3)} ms; ${fmt(within(0), 1)} % read 0 ms, ${fmt(within(1), 1)} % ≤ 1 ms`,
    );
    const t = r.this;
    console.log(
      `goals (issue #15): ping ≥ 90 % of /healthz throughput (${fmt(t.share * 100, 1)} %), added p50 ≤ 0.5 ms (${fmt(t.addedP50, 3)})`,
    );
    return r;
  } finally {
    for (const s of started) s.server.stop();
  }
}
