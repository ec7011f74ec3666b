// A deterministic two-account call history for the Reporting AI tests, written straight into D1.
import { env } from 'cloudflare:workers';
import { keyCache } from '../../src/services/api-keys';
import {
  BUSINESS_NUMBERS,
  EVAL_NOW,
  EVAL_TZ,
  evalDataset,
  type History,
  prng,
} from '../reporting-eval/dataset';

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

export async function seedReporting(
  accountId: string,
  opts: { agents: string[]; campaigns: string[]; calls: number; seed: number; prefix: string },
) {
  const rand = prng(opts.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const now = Math.floor(NOW / 1000);
  const stmts: ShardStatement[] = [];
  const agentIds: Record<string, string> = {};
  for (const name of opts.agents) {
    const id = `agent_${opts.prefix}_${name.toLowerCase()}`;
    agentIds[name] = id;
    stmts.push(
      shardsDb
        .prepare(
          "INSERT INTO agents (id, account_id, name, prompt, language, status, max_duration, analysis_schema, metadata, created_at, updated_at) VALUES (?, ?, ?, 'p', 'en-US', 'active', 1800, '[]', '{}', ?, ?)",
        )
        .bind(id, accountId, name, now - 400 * 86400, now),
    );
  }
  const batchIds: Record<string, string> = {};
  for (const name of opts.campaigns) {
    const id = `batch_${opts.prefix}_${name.replace(/\W/g, '').toLowerCase()}`;
    batchIds[name] = id;
    stmts.push(
      shardsDb
        .prepare(
          "INSERT INTO batches (id, account_id, agent_id, name, status, metadata, total_recipients, duplicates_removed, created_at, updated_at) VALUES (?, ?, ?, ?, 'completed', '{}', 0, 0, ?, ?)",
        )
        .bind(id, accountId, agentIds[opts.agents[0]], name, now - 400 * 86400, now),
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
      shardsDb
        .prepare(`INSERT INTO calls (id, account_id, agent_id, batch_id, direction, from_number, to_number, status, outcome, sentiment, duration, answered_at, converted, payout, provider, max_duration, created_at, updated_at, variables, metadata)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'simulator', 1800, ?, ?, '{}', '{}')`)
        .bind(
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
  for (let i = 0; i < stmts.length; i += 50) await shardsDb.batch(stmts.slice(i, i + 50));
  return rows;
}

// The evaluation dataset (test/reporting-eval): the same in-memory rows the oracles read, written into
// D1 for one account and, as the other tenant, for another.
export {
  type Dataset,
  type EvalBid,
  type EvalCall,
  type EvalMessage,
  EVAL_CTX,
  EVAL_TZ,
  evalDataset,
} from '../reporting-eval/dataset';
import { type ShardStatement, shardsDb } from './shards';

const slug = (s: string) => s.replace(/\W/g, '').toLowerCase();

/** Writes `h` into D1 for `accountId` (ids prefixed so several accounts can share one database). */
async function writeHistory(accountId: string, h: History, prefix: string) {
  const now = Math.floor(EVAL_NOW / 1000);
  const created = now - 500 * 86400;
  const stmts: ShardStatement[] = [
    shardsDb.prepare('UPDATE accounts SET timezone = ? WHERE id = ?').bind(EVAL_TZ, accountId),
  ];
  const agentId = (name: string) => `${prefix}_agent_${slug(name)}`;
  const agents = [...new Set([...h.calls, ...h.messages].map((x) => x.agent))];
  for (const name of agents) {
    stmts.push(
      shardsDb
        .prepare(
          "INSERT INTO agents (id, account_id, name, prompt, language, status, max_duration, analysis_schema, metadata, created_at, updated_at) VALUES (?, ?, ?, 'p', 'en-US', 'active', 1800, '[]', '{}', ?, ?)",
        )
        .bind(agentId(name), accountId, name, created, created),
    );
  }
  const batchId = (name: string) => `${prefix}_batch_${slug(name)}`;
  for (const name of new Set(h.calls.flatMap((x) => (x.campaign ? [x.campaign] : [])))) {
    stmts.push(
      shardsDb
        .prepare(
          "INSERT INTO batches (id, account_id, agent_id, name, status, metadata, total_recipients, duplicates_removed, created_at, updated_at) VALUES (?, ?, ?, ?, 'completed', '{}', 0, 0, ?, ?)",
        )
        .bind(batchId(name), accountId, agentId(agents[0]), name, created, created),
    );
  }
  const endpointId = (name: string) => `${prefix}_rtbe_${slug(name)}`;
  for (const name of new Set(h.bids.map((x) => x.campaign))) {
    stmts.push(
      shardsDb
        .prepare(
          "INSERT INTO rtb_endpoints (id, rtb_id, account_id, name, campaign_name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'enabled', ?, ?)",
        )
        .bind(
          endpointId(name),
          `${endpointId(name)}_${accountId}`,
          accountId,
          slug(name),
          name,
          created,
          created,
        ),
    );
  }
  for (const x of h.calls) {
    const [from, to] = x.direction === 'inbound' ? [x.customer, x.business] : [x.business, x.customer];
    const end = x.created_at + 5 + x.duration;
    stmts.push(
      shardsDb
        .prepare(`INSERT INTO calls (id, account_id, agent_id, batch_id, direction, from_number, to_number, status, outcome, sentiment,
        duration, answered_at, ended_at, converted, payout, provider, max_duration, created_at, updated_at, variables, metadata)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'simulator', 1800, ?, ?, '{}', '{}')`)
        .bind(
          `${prefix}_${x.id}`,
          accountId,
          agentId(x.agent),
          x.campaign ? batchId(x.campaign) : null,
          x.direction,
          from,
          to,
          x.status,
          x.outcome,
          x.sentiment,
          x.answered ? x.duration : null,
          x.answered ? x.created_at + 5 : null,
          x.status === 'canceled' ? null : end,
          x.converted ? 1 : 0,
          x.converted ? x.payout : null,
          x.created_at,
          end,
        ),
    );
  }
  for (const x of h.messages) {
    stmts.push(
      shardsDb
        .prepare(
          "INSERT INTO messages (id, account_id, agent_id, direction, contact, channel, message_type, content, status, provider, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'simulator', ?, ?)",
        )
        .bind(
          `${prefix}_${x.id}`,
          accountId,
          agentId(x.agent),
          x.direction,
          x.contact,
          BUSINESS_NUMBERS[0],
          x.type,
          JSON.stringify(x.type === 'template' ? { name: 'reminder', language: 'en_US' } : { text: 'hello' }),
          x.status,
          x.created_at,
          x.created_at,
        ),
    );
  }
  for (const x of h.bids) {
    stmts.push(
      shardsDb
        .prepare(
          'INSERT INTO rtb_bids (id, account_id, endpoint_id, zip, state, publisher_id, payout, eligible_count, reject_reason, call_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .bind(
          `${prefix}_${x.id}`,
          accountId,
          endpointId(x.campaign),
          x.zip,
          x.state,
          x.publisher,
          x.payout,
          x.eligible,
          x.reject_reason,
          x.won ? `${prefix}_${x.id}_call` : null,
          x.created_at,
          x.created_at + 60,
        ),
    );
  }
  for (let i = 0; i < stmts.length; i += 100) await shardsDb.batch(stmts.slice(i, i + 100));
  // The account's zone was written behind the API's back: drop the verified keys that carry the old one.
  keyCache.forgetAccount(accountId);
}

/**
 * Seeds the evaluation dataset: its history into `accountId`, the other tenant's into `otherAccountId`
 * (both accounts set to America/New_York). Returns the in-memory dataset the oracles read.
 */
export async function seedEvalDataset(accountId: string, otherAccountId?: string, prefix = 'e') {
  const d = evalDataset();
  await writeHistory(accountId, d, `${prefix}a`);
  if (otherAccountId) await writeHistory(otherAccountId, d.other, `${prefix}b`);
  return d;
}
