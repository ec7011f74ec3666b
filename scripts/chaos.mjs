#!/usr/bin/env node
// Chaos run (issue #12, README "Reliability"): a real `wrangler dev` and a real receiver verifying every
// delivery with standardwebhooks; waves of calls at the plan's concurrency cap while the whole process
// group is SIGKILLed at random moments and restarted on the same --persist-to state. Local Queues live
// in memory and die with the process, so recovery comes from the cron (sweep + watchdog), triggered
// through --test-scheduled. Prints one line of counts; exits 1 if any promise is broken.
// CHAOS_PORT (8820), CHAOS_RECEIVER_PORT (8821), CHAOS_KILLS (4), CHAOS_CAP (8).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

const PORT = Number(process.env.CHAOS_PORT ?? 8820);
const RECEIVER_PORT = Number(process.env.CHAOS_RECEIVER_PORT ?? 8821);
const KILLS = Number(process.env.CHAOS_KILLS ?? 4);
const CAP = Number(process.env.CHAOS_CAP ?? 8);
const ADMIN = 'chaos_admin_token';
const BASE = `http://127.0.0.1:${PORT}`;
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const persist = mkdtempSync(join(tmpdir(), 'callplane-chaos-'));

const received = []; // { id, type, callId, webhookId }
let badSignatures = 0;
let secret = null;
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    try {
      const e = new Webhook(secret).verify(body, {
        'webhook-id': req.headers['webhook-id'],
        'webhook-timestamp': req.headers['webhook-timestamp'],
        'webhook-signature': req.headers['webhook-signature'],
      });
      received.push({
        id: e.id,
        type: e.type,
        callId: e.data?.call?.id,
        webhookId: req.headers['webhook-id'],
      });
      res.writeHead(200).end('ok');
    } catch {
      badSignatures++;
      res.writeHead(400).end('bad signature');
    }
  });
});
await new Promise((r) => receiver.listen(RECEIVER_PORT, '127.0.0.1', r));

// Every D1 shard (wrangler.toml) gets the same migrations.
for (const db of ['DB', 'DB_SHARD_1']) {
  const migrate = spawnSync(
    'npx',
    ['wrangler', 'd1', 'migrations', 'apply', db, '--local', '--persist-to', persist],
    {
      env,
      encoding: 'utf8',
    },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
}

let child = null;
async function start() {
  const vars = {
    ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'silent',
    SIMULATOR_TIME_SCALE: '0.05',
    ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
    WEBHOOK_RETRY_SCALE: '0.001',
    WATCHDOG_MARGIN_SECONDS: '3',
  };
  const args = ['wrangler', 'dev', '--port', String(PORT), '--ip', '127.0.0.1', '--persist-to', persist];
  args.push('--log-level', 'error', '--test-scheduled');
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  child = spawn('npx', args, { env, detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 240; i++) {
    if (
      await fetch(`${BASE}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(250);
  }
  throw new Error(`wrangler dev did not start on ${PORT}`);
}
function kill() {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
process.on('exit', () => {
  kill();
  rmSync(persist, { recursive: true, force: true });
});

async function api(method, path, key, body) {
  try {
    const res = await fetch(BASE + path, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return { status: 0, body: null }; // the server died under the request
  }
}
const cron = () => fetch(`${BASE}/__scheduled?cron=*/5+*+*+*+*`).catch(() => undefined);

await start();
const made = (
  await api('POST', '/admin/accounts', ADMIN, {
    name: 'Chaos',
    plan: 'growth',
    limits: { concurrent_calls: CAP, calls_per_minute: 10_000 },
  })
).body;
const key = made.api_key;
const agent = (
  await api('POST', '/v1/agents', key, { name: 'Chaos', prompt: 'Hi {{name}}', first_message: 'Hi {{name}}' })
).body;
const ep = (
  await api('POST', '/v1/webhook_endpoints', key, { url: `http://127.0.0.1:${RECEIVER_PORT}/hook` })
).body;
secret = ep.secret;

const NUMBERS = ['+14155550401', '+15005550002', '+14155550402', '+15005550004', '+15005550003'];
let placed = 0;
let refused = 0;
async function wave() {
  const replies = await Promise.all(
    Array.from({ length: CAP }, (_, i) =>
      api('POST', '/v1/call', key, {
        agent_id: agent.id,
        recipient_phone: NUMBERS[(placed + i) % NUMBERS.length],
        metadata: { simulate: { talk_seconds: 20 + ((placed + i) % 5) * 10, ring_seconds: 1 } },
      }),
    ),
  );
  for (const r of replies) r.status === 201 ? placed++ : refused++;
}

const started = Date.now();
for (let k = 0; k < KILLS; k++) {
  await wave();
  await sleep(300 + Math.random() * 2500);
  await wave();
  await sleep(Math.random() * 1500);
  kill();
  await sleep(300);
  await start();
}
await wave();

// Settle: the cron sweeps lost deliveries and wakes stalled objects.
const TERMINAL = ['completed', 'busy', 'no_answer', 'failed', 'canceled'];
const FINAL = {
  completed: 'call.completed',
  busy: 'call.failure',
  no_answer: 'call.failure',
  failed: 'call.failure',
};
/** Every call of the account, or null when the server could not answer (then nothing is settled). */
async function allCalls() {
  const out = [];
  for (let offset = 0; ; offset += 100) {
    const r = await api('GET', `/v1/calls?limit=100&offset=${offset}`, key);
    if (r.status !== 200) return null;
    out.push(...r.body.data);
    if (!r.body.has_more) return out;
  }
}
const finalDelivered = (c) =>
  !FINAL[c.status] || received.some((e) => e.callId === c.id && e.type === FINAL[c.status]);
let calls = [];
for (let i = 0; i < 90; i++) {
  await cron();
  calls = (await allCalls()) ?? [];
  // Calls accepted while the server died may exist unseen by us, so at least every 201 must be listed.
  if (
    calls.length >= placed &&
    calls.every((c) => TERMINAL.includes(c.status)) &&
    calls.every(finalDelivered)
  )
    break;
  await sleep(2000);
}

// Every slot is free: the whole cap can be taken again (these calls never answer; cancel them after).
const probe = await Promise.all(
  Array.from({ length: CAP }, () =>
    api('POST', '/v1/call', key, {
      agent_id: agent.id,
      recipient_phone: '+15005550003',
      metadata: { simulate: { ring_seconds: 600 } },
    }),
  ),
);
const slotsFree = probe.filter((r) => r.status === 201).length;
for (const r of probe) if (r.status === 201) await api('POST', `/v1/calls/${r.body.call_id}/cancel`, key);

const byCall = new Map();
for (const e of received) {
  if (!e.callId) continue;
  const m = byCall.get(e.callId) ?? new Map();
  (m.get(e.type) ?? m.set(e.type, new Set()).get(e.type)).add(e.id);
  byCall.set(e.callId, m);
}
const duplicateEvents = [...byCall.values()].reduce(
  (n, m) => n + [...m.values()].filter((ids) => ids.size > 1).length,
  0,
);
const connectedTwice = [...byCall.values()].filter((m) => (m.get('call.connected')?.size ?? 0) > 1).length;
const mismatchedIds = received.filter((e) => e.webhookId !== e.id).length;
kill();
await sleep(500);
const dials = spawnSync(
  'npx',
  [
    'wrangler',
    'd1',
    'execute',
    'DB',
    '--local',
    '--persist-to',
    persist,
    '--json',
    '--command',
    'SELECT call_id, COUNT(*) AS n FROM simulator_dials GROUP BY call_id HAVING n > 1',
  ],
  { env, encoding: 'utf8' },
);
const dialledTwice = dials.status === 0 ? (JSON.parse(dials.stdout)[0]?.results?.length ?? 0) : -1;

const nonTerminal = calls.filter((c) => !TERMINAL.includes(c.status)).length;
const undelivered = calls.filter((c) => !finalDelivered(c)).length;
const ok =
  calls.length >= placed &&
  nonTerminal === 0 &&
  undelivered === 0 &&
  duplicateEvents === 0 &&
  connectedTwice === 0 &&
  dialledTwice === 0 &&
  mismatchedIds === 0 &&
  badSignatures === 0 &&
  slotsFree === CAP;
console.log(
  `chaos ${ok ? 'PASS' : 'FAIL'}: kills=${KILLS} calls=${calls.length} accepted=${placed} refused_or_cut=${refused} ` +
    `non_terminal=${nonTerminal} final_event_undelivered=${undelivered} deliveries=${received.length} ` +
    `duplicate_events=${duplicateEvents} connected_twice=${connectedTwice} dialled_twice=${dialledTwice} ` +
    `bad_signatures=${badSignatures} slots_free=${slotsFree}/${CAP} seconds=${Math.round((Date.now() - started) / 1000)}`,
);
receiver.close();
process.exit(ok ? 0 : 1);
