// A deterministic two-account call history for the Reporting AI tests, written straight into D1.
import { env } from 'cloudflare:workers';

export const NOW = Date.parse('2026-11-18T15:00:00Z'); // a Wednesday, 10:00 in New York
export interface Row {
  id: string;
  account: string;
  agent: string;
  agent_id: string;
  campaign: string | null;
  batch_id: string | null;
  direction: 'inbound' | 'outbound';
  status: string;
  outcome: string;
  sentiment: string;
  duration: number;
  answered: number;
  converted: number;
  payout: number;
  created_at: number;
  number: string;
}

function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
}

export async function seedReporting(
  accountId: string,
  opts: { agents: string[]; campaigns: string[]; calls: number; seed: number; prefix: string },
) {
  const rand = prng(opts.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const now = Math.floor(NOW / 1000);
  const stmts: D1PreparedStatement[] = [];
  const agentIds: Record<string, string> = {};
  for (const name of opts.agents) {
    const id = `agent_${opts.prefix}_${name.toLowerCase()}`;
    agentIds[name] = id;
    stmts.push(
      env.DB.prepare(
        "INSERT INTO agents (id, account_id, name, prompt, language, status, max_duration, analysis_schema, metadata, created_at, updated_at) VALUES (?, ?, ?, 'p', 'en-US', 'active', 1800, '[]', '{}', ?, ?)",
      ).bind(id, accountId, name, now - 400 * 86400, now),
    );
  }
  const batchIds: Record<string, string> = {};
  for (const name of opts.campaigns) {
    const id = `batch_${opts.prefix}_${name.replace(/\W/g, '').toLowerCase()}`;
    batchIds[name] = id;
    stmts.push(
      env.DB.prepare(
        "INSERT INTO batches (id, account_id, agent_id, name, status, metadata, total_recipients, duplicates_removed, created_at, updated_at) VALUES (?, ?, ?, ?, 'completed', '{}', 0, 0, ?, ?)",
      ).bind(id, accountId, agentIds[opts.agents[0]], name, now - 400 * 86400, now),
    );
  }
  const rows: Row[] = [];
  for (let i = 0; i < opts.calls; i++) {
    const agent = pick(opts.agents);
    const campaign = rand() < 0.5 ? pick(opts.campaigns) : null;
    const direction = rand() < 0.4 ? 'inbound' : 'outbound';
    const status = pick([
      'completed',
      'completed',
      'completed',
      'completed',
      'no_answer',
      'busy',
      'failed',
    ] as const);
    const answered = status === 'completed' ? 1 : 0;
    const duration = answered ? 20 + Math.floor(rand() * 300) : 0;
    const converted = answered && rand() < 0.3 ? 1 : 0;
    const row: Row = {
      id: `call_${opts.prefix}_${i}`,
      account: accountId,
      agent,
      agent_id: agentIds[agent],
      campaign,
      batch_id: campaign ? batchIds[campaign] : null,
      direction,
      status,
      outcome: answered ? (rand() < 0.15 ? 'voicemail' : 'completed') : 'unknown',
      sentiment: answered ? pick(['positive', 'neutral', 'negative']) : 'unknown',
      duration,
      answered,
      converted,
      payout: converted ? [10, 25, 42.5][Math.floor(rand() * 3)] : 0,
      created_at: now - Math.floor(rand() * 400 * 86400),
      number: `+1415${opts.prefix === 'a' ? '555' : '777'}${String(1000 + (i % 9000)).padStart(4, '0')}`,
    };
    rows.push(row);
    stmts.push(
      env.DB.prepare(`INSERT INTO calls (id, account_id, agent_id, batch_id, direction, from_number, to_number, status, outcome, sentiment, duration, answered_at, converted, payout, provider, max_duration, created_at, updated_at, variables, metadata)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'simulator', 1800, ?, ?, '{}', '{}')`).bind(
        row.id,
        accountId,
        row.agent_id,
        row.batch_id,
        direction,
        direction === 'inbound' ? '+12125550100' : row.number,
        direction === 'inbound' ? row.number : '+12125550100',
        status,
        answered ? row.outcome : null,
        answered ? row.sentiment : null,
        answered ? duration : null,
        answered ? row.created_at + 5 : null,
        converted,
        converted ? row.payout : null,
        row.created_at,
        row.created_at,
      ),
    );
  }
  for (let i = 0; i < stmts.length; i += 50) await env.DB.batch(stmts.slice(i, i + 50));
  return rows;
}
