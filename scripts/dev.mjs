#!/usr/bin/env node
// `npm run dev`: local secrets, local D1 migrations, `wrangler dev` on :8787, and a demo account on first run.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const PORT = process.env.PORT ?? '8787';
const BASE = `http://localhost:${PORT}`;
const DEMO_FILE = '.wrangler/demo-account.json';
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' };

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars');
  console.log('Created .dev.vars from .dev.vars.example');
}
// Dashboard sessions need a signing secret; a .dev.vars made before the dashboard existed gets one.
if (!/^\s*SESSION_SECRET\s*=/m.test(readFileSync('.dev.vars', 'utf8'))) {
  appendFileSync('.dev.vars', `\nSESSION_SECRET=${randomBytes(24).toString('hex')}\n`);
  console.log('Added SESSION_SECRET to .dev.vars');
}
const vars = Object.fromEntries(
  readFileSync('.dev.vars', 'utf8')
    .split('\n')
    .filter((l) => /^\s*[A-Z_]+\s*=/.test(l))
    .map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    }),
);

// Every D1 shard (wrangler.toml) gets the same migrations.
for (const db of ['DB', 'DB_SHARD_1']) {
  const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', db, '--local'], {
    stdio: 'inherit',
    env: { ...env, CI: 'true' },
  });
  if (migrate.status !== 0) process.exit(migrate.status ?? 1);
}

const dev = spawn('npx', ['wrangler', 'dev', '--port', PORT, '--ip', '127.0.0.1', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => dev.kill(sig));
dev.on('exit', (code) => process.exit(code ?? 0));

async function call(method, path, key, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function waitForServer() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function seed() {
  if (existsSync(DEMO_FILE)) {
    const saved = JSON.parse(readFileSync(DEMO_FILE, 'utf8'));
    if ((await call('GET', '/v1/account', saved.api_key)).status === 200) return saved;
  }
  if (!vars.ADMIN_TOKEN) throw new Error('ADMIN_TOKEN is not set in .dev.vars');
  const made = await call('POST', '/admin/accounts', vars.ADMIN_TOKEN, { name: 'Demo', plan: 'growth' });
  if (made.status !== 201) throw new Error(`could not create the demo account: ${JSON.stringify(made.body)}`);
  const key = made.body.api_key;
  const agent = await call('POST', '/v1/agents', key, {
    name: 'Appointment reminder',
    first_message: 'Hi {{name}}, this is Ava from the clinic.',
    prompt: 'You are Ava. Remind {{name}} of their appointment {{appointment_time}} and offer to reschedule.',
    analysis_schema: [
      { name: 'confirmed', type: 'boolean', description: 'Did the caller confirm the appointment?' },
    ],
  });
  const number = await call('POST', '/v1/phone_numbers', key, {
    number: '+15005550006',
    agent_id: agent.body.id,
    name: 'Demo line',
  });
  const saved = { ...made.body, agent_id: agent.body.id, phone_number: number.body?.number ?? null };
  mkdirSync('.wrangler', { recursive: true });
  writeFileSync(DEMO_FILE, JSON.stringify(saved, null, 2));
  return saved;
}

if (await waitForServer()) {
  try {
    const demo = await seed();
    console.log(`
──────────────────────────────────────────────────────────────────────
 callplane is serving on ${BASE}   (docs: ${BASE}/docs)
 Dashboard         ${BASE}/dashboard   (sign in with the API key below)
 Demo account ${demo.account.id}
   API key           ${demo.api_key}
   agent             ${demo.agent_id}
   phone number      ${demo.phone_number}
   webhook auth key  ${demo.webhook_auth_key}
   ingest keys       ${demo.ingest_public_key} / ${demo.ingest_private_key}
 Try:
   curl -X POST ${BASE}/v1/call -H "Authorization: Bearer ${demo.api_key}" \\
     -H "Content-Type: application/json" \\
     -d '{"agent_id":"${demo.agent_id}","recipient_phone":"+919876543210","variables":{"name":"Rahul"}}'
──────────────────────────────────────────────────────────────────────`);
  } catch (err) {
    console.error(`Seeding the demo account failed: ${err.message}`);
  }
} else {
  console.error(`wrangler dev did not answer on ${BASE}/healthz`);
}
