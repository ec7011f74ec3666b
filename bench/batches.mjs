// Issue 6: how long accepting a 10 000-recipient batch takes, and dials per minute achieved against the limit.
import { fmt, latency, table } from './lib/measure.mjs';
import { api, benchPort, seedAccount, startServer } from './lib/server.mjs';

export async function benchBatches({ quick = false } = {}) {
  const server = await startServer({ port: benchPort(8800, 3), vars: { SIMULATOR_TIME_SCALE: '0.02' } });
  try {
    const limit = 300;
    const acct = await seedAccount(server.base, {
      limits: { api_per_minute: 1_000_000, calls_per_minute: limit, concurrent_calls: 100 },
    });
    const health = await latency(`${server.base}/healthz`, {}, { requests: 300 });
    const recipients = Array.from({ length: 10_000 }, (_, i) => ({
      phone: `+1415${String(7000000 + i)}`,
      variables: { name: `Lead ${i}`, order: String(i) },
    }));
    const bodyBytes = JSON.stringify({ agent_id: acct.agentId, recipients }).length;

    // 1. Accepting: validation of every recipient, dedupe, zones, and handing 10 000 rows to the dispatcher.
    const runs = quick ? 2 : 5;
    const accept = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await api(server.base, 'POST', '/v1/calls/batch', acct.key, {
        agent_id: acct.agentId,
        recipients,
        schedule_at: Math.floor(Date.now() / 1000) + 86400,
        calling_window: { start: '09:00', end: '17:00', timezone: 'recipient' },
      });
      accept.push(performance.now() - t0);
    }
    accept.sort((x, y) => x - y);

    // 2. Dialling: a batch that starts now, against the plan's calls/min. The window is a sliding minute,
    //    so the first minute may dial `limit` at once; the steady rate is measured after it.
    const steady = quick ? 30 : 60;
    const live = await api(server.base, 'POST', '/v1/calls/batch', acct.key, {
      agent_id: acct.agentId,
      recipients: recipients.slice(0, 3000),
      metadata: { simulate: { ring_seconds: 1, talk_seconds: 5 } },
    });
    const dialled = async () => {
      const b = await api(server.base, 'GET', `/v1/batches/${live.batch_id}`, acct.key);
      return b.total_recipients - b.counts.pending - b.counts.not_dialed - b.counts.canceled;
    };
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 58_000)); // just inside the first window
    const firstMinute = await dialled();
    const t1 = Date.now();
    await new Promise((r) => setTimeout(r, steady * 1000));
    const later = await dialled();
    const perMinute = ((later - firstMinute) / ((Date.now() - t1) / 1000)) * 60;
    void t0;
    await api(server.base, 'POST', `/v1/batches/${live.batch_id}/cancel`, acct.key);

    console.log('\n## Batches (wrangler dev)');
    table([
      {
        measure: `accept 10 000 recipients (${fmt(bodyBytes / 1e6, 2)} MB body)`,
        n: runs,
        'median ms': fmt(accept[Math.floor(runs / 2)], 0),
        'max ms': fmt(accept.at(-1), 0),
        note: '',
      },
      {
        measure: '/healthz baseline (same server)',
        n: 300,
        'median ms': fmt(health.p50, 2),
        'max ms': fmt(health.p99, 2),
        note: 'p50 / p99',
      },
      {
        measure: `dials in the first 58 s, limit ${limit}/min`,
        n: firstMinute,
        'median ms': '',
        'max ms': '',
        note: `${fmt((firstMinute / limit) * 100, 0)} % of the limit`,
      },
      {
        measure: `steady dials/min over the next ${steady} s`,
        n: later - firstMinute,
        'median ms': '',
        'max ms': '',
        note: `${fmt(perMinute, 0)} dials/min = ${fmt((perMinute / limit) * 100, 0)} % of the limit`,
      },
    ]);
    return { acceptMedianMs: accept[Math.floor(runs / 2)], dialsPerMinute: perMinute, limit };
  } finally {
    server.stop();
  }
}
