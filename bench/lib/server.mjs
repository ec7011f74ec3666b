// Starts a real `wrangler dev` for a benchmark, in its own process group, and stops it by that group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_TOKEN = 'bench_admin_token';

/**
 * A bench server's port: `BENCH_PORT_BASE` + `offset` when set (so engineers sharing a machine pick
 * disjoint ranges), else the case's default.
 */
export const benchPort = (dflt, offset = 0) =>
  process.env.BENCH_PORT_BASE ? Number(process.env.BENCH_PORT_BASE) + offset : dflt;

/**
 * `cwd`: the checkout to serve (default this one). `BENCH_BASELINE=<dir>` benches name a second checkout
 * (a clone of main) to run beside this one for an interleaved A/B.
 */
export async function startServer({ port, vars = {}, testScheduled = false, cwd = process.cwd() }) {
  const persist = mkdtempSync(join(tmpdir(), 'callplane-bench-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };
  // Every D1 shard the checkout's wrangler.toml declares gets the same migrations (a baseline
  // checkout from before shards has DB only).
  const toml = readFileSync(join(cwd, 'wrangler.toml'), 'utf8');
  const dbs = ['DB', 'DB_SHARD_1'].filter((db) => toml.includes(`binding = "${db}"`));
  for (const db of dbs) {
    const migrate = spawnSync(
      'npx',
      ['wrangler', 'd1', 'migrations', 'apply', db, '--local', '--persist-to', persist],
      { env, encoding: 'utf8', cwd },
    );
    if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  }
  const allVars = { ADMIN_TOKEN, LOG_LEVEL: 'silent', ...vars };
  const args = [
    'wrangler',
    'dev',
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    '--persist-to',
    persist,
    '--log-level',
    process.env.BENCH_LOG_LEVEL ?? 'error',
    ...(testScheduled ? ['--test-scheduled'] : []),
    ...Object.entries(allVars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const child = spawn('npx', args, {
    env,
    cwd,
    detached: true,
    stdio: ['ignore', process.env.BENCH_STDOUT ? 'inherit' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
    if (i === 239) throw new Error(`wrangler dev did not start on ${port}: ${stderr}`);
  }
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(persist, { recursive: true, force: true });
  };
  process.on('exit', stop);
  /** Runs SQL against this server's local D1 (to stage data a benchmark needs), on the account's shard. */
  const sql = (file, shard = 'DB') => {
    const r = spawnSync(
      'npx',
      ['wrangler', 'd1', 'execute', shard, '--local', '--persist-to', persist, '--file', file],
      { env, encoding: 'utf8', cwd },
    );
    if (r.status !== 0) throw new Error(`d1 execute failed: ${r.stderr}`);
  };
  return { base, stop, sql, stderr: () => stderr };
}

export async function api(base, method, path, key, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** An account with an agent and a number; limits as given. */
export async function seedAccount(base, { plan = 'enterprise', limits } = {}) {
  const made = await api(base, 'POST', '/admin/accounts', ADMIN_TOKEN, {
    name: 'Bench',
    plan,
    ...(limits ? { limits } : {}),
  });
  const key = made.api_key;
  const agent = await api(base, 'POST', '/v1/agents', key, {
    name: 'Bench agent',
    prompt: 'Hello {{name}}',
    first_message: 'Hi {{name}}',
  });
  return { ...made, key, agentId: agent.id };
}
