// Issue 7: the RTB ping against a 50-route endpoint beside /healthz on the same server: latency at
// concurrency 1, throughput at concurrency 32, and allocation_time_seconds as the Worker measured it.
import autocannon from 'autocannon';
import { fmt, latency, table } from './lib/measure.mjs';
import { api, benchPort, seedAccount, startServer } from './lib/server.mjs';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function tput(url, connections, duration, setupRequest) {
  const r = await autocannon({
    url,
    connections,
    duration,
    ...(setupRequest ? { requests: [{ setupRequest }] } : {}),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

export async function benchRtb({ quick = false } = {}) {
  const server = await startServer({
    port: benchPort(8801, 2),
    vars: process.env.BENCH_RTB_VARS ? JSON.parse(process.env.BENCH_RTB_VARS) : {},
  });
  try {
    const acct = await seedAccount(server.base, {
      limits: { api_per_minute: 1_000_000, rtb_per_minute: 1_000_000 },
    });
    const ep = await api(server.base, 'POST', '/v1/rtb_endpoints', acct.key, {
      name: 'Bench publisher',
      campaign_name: 'bench',
    });
    const states = ['NY', 'CA', 'TX', 'FL', 'IL'];
    for (let i = 0; i < 50; i++) {
      await api(server.base, 'POST', `/v1/rtb_endpoints/${ep.id}/routes`, acct.key, {
        buyer: `Buyer ${i}`,
        number: `+1555${String(2000000 + i)}`,
        payout: 5 + (i % 17) * 3,
        priority: i % 3,
        weight: 1 + (i % 5),
        payout_condition: i % 2 ? 'connected' : null,
        payout_condition_duration: i % 2 ? 90 : null,
        duration: 120,
        schedule:
          i % 4 === 0
            ? {
                timezone: 'America/New_York',
                hours: {
                  mon: [['00:00', '24:00']],
                  tue: [['00:00', '24:00']],
                  wed: [['00:00', '24:00']],
                  thu: [['00:00', '24:00']],
                  fri: [['00:00', '24:00']],
                  sat: [['00:00', '24:00']],
                  sun: [['00:00', '24:00']],
                },
              }
            : null,
        geo:
          i % 5 === 0 ? { include: { states: [states[i % 5], 'NY'] }, exclude: { zips: ['10004'] } } : null,
        caps: i % 3 === 0 ? { hourly: 100_000, daily: 1_000_000, concurrency: 10_000 } : null,
      });
    }
    let seq = 0;
    const pingPath = () =>
      `/inbound_rtb/${ep.rtb_id}?caller_id=%2B1212${String(5000000 + (seq++ % 4_000_000)).padStart(7, '0')}&zip_code=10001&pub_id=bench`;
    const alloc = [];
    const n = quick ? 500 : 2000;
    // Warm the isolate's cache of the compiled set, then measure sequentially.
    const health1 = await latency(`${server.base}/healthz`, {}, { requests: n });
    const pings = await latency(`${server.base}${pingPath()}`, {}, { requests: 1, warmup: 50 });
    void pings;
    const timed = [];
    for (let i = 0; i < n; i++) {
      const r = await latency(
        `${server.base}${pingPath()}`,
        {},
        {
          requests: 1,
          warmup: 0,
          onBody: (b) => {
            const j = JSON.parse(b);
            alloc.push(j.allocation_time_seconds);
            if (j.allocated_count !== 50 && j.allocated_count < 20)
              throw new Error(`unexpected answer ${b.slice(0, 200)}`);
          },
        },
      );
      timed.push(r.p50);
    }
    const health2 = await latency(`${server.base}/healthz`, {}, { requests: n });
    const healthP50 = (health1.p50 + health2.p50) / 2,
      healthP99 = (health1.p99 + health2.p99) / 2;

    const secs = quick ? 4 : 8;
    const hT = await tput(`${server.base}/healthz`, 32, secs);
    const pT = await tput(`${server.base}/healthz`, 32, secs, (req) => ({ ...req, path: pingPath() }));
    const hT2 = await tput(`${server.base}/healthz`, 32, secs);
    const healthRps = (hT.rps + hT2.rps) / 2;
    if (pT.non2xx || pT.errors) throw new Error(`ping errors: ${pT.non2xx} non-2xx, ${pT.errors} errors`);

    console.log('\n## RTB ping, 50-route endpoint (wrangler dev)');
    table([
      {
        measure: 'ping, concurrency 1',
        'p50 ms': fmt(pct(timed, 50), 3),
        'p99 ms': fmt(pct(timed, 99), 3),
        'req/s @32': fmt(pT.rps, 0),
      },
      {
        measure: '/healthz, same server',
        'p50 ms': fmt(healthP50, 3),
        'p99 ms': fmt(healthP99, 3),
        'req/s @32': fmt(healthRps, 0),
      },
      {
        measure: 'added by the ping',
        'p50 ms': fmt(pct(timed, 50) - healthP50, 3),
        'p99 ms': fmt(pct(timed, 99) - healthP99, 3),
        'req/s @32': `${fmt((pT.rps / healthRps) * 100, 0)} % of /healthz`,
      },
    ]);
    const within = (ms) => (alloc.filter((a) => a * 1000 <= ms).length / alloc.length) * 100;
    console.log(
      `allocation_time_seconds (inside the Worker, 1 ms clock): p50 ${fmt(pct(alloc, 50) * 1000, 3)} ms, p99 ${fmt(pct(alloc, 99) * 1000, 3)} ms, max ${fmt(Math.max(...alloc) * 1000, 3)} ms; ${fmt(within(0), 1)} % read 0 ms, ${fmt(within(1), 1)} % ≤ 1 ms`,
    );
    console.log('goals: allocation p99 ≤ 1 ms; ping throughput ≥ 70 % of /healthz');
    return { ratio: pT.rps / healthRps, allocP99: pct(alloc, 99) };
  } finally {
    server.stop();
  }
}
