// Resource counters for the capacity model (docs/SCALING.md), on only when BENCH_METRICS=on (the
// `scale` bench's wrangler dev): the bindings are wrapped so every D1 statement adds its result's
// meta.rows_read / rows_written, and Durable Object calls, Queue messages and KV operations are counted.
// Counting runs between POST /__metrics/reset and GET /__metrics (src/index.ts). Counters live in
// isolate memory; locally the Worker and its Durable Objects share one isolate, so one read sees all.
import type { Env } from '../env';

function fresh() {
  return {
    d1_queries: 0,
    d1_rows_read: 0,
    d1_rows_written: 0,
    do_requests: {} as Record<string, number>,
    /** Alarm invocations, billed as Durable Object requests too. */
    do_alarms: {} as Record<string, number>,
    queue_messages: 0,
    kv_reads: 0,
    kv_writes: 0,
    requests: 0,
  };
}
export type Counters = ReturnType<typeof fresh>;

const state = { on: false, c: fresh() };

export function resetCounters(on = true) {
  state.c = fresh();
  state.on = on;
}
export const readCounters = (): Counters => state.c;
export const countAlarm = (name: string) => {
  if (state.on) state.c.do_alarms[name] = (state.c.do_alarms[name] ?? 0) + 1;
};
export const countRequest = () => {
  if (state.on) state.c.requests++;
};

type Meta = { meta?: { rows_read?: number; rows_written?: number } };
function countMeta(r: Meta | undefined) {
  if (!state.on) return;
  state.c.d1_queries++;
  state.c.d1_rows_read += r?.meta?.rows_read ?? 0;
  state.c.d1_rows_written += r?.meta?.rows_written ?? 0;
}

const real = new WeakMap<object, D1PreparedStatement>();

function statement(s: D1PreparedStatement, text: string): D1PreparedStatement {
  const wrapped = {
    bind: (...values: unknown[]) => statement(s.bind(...values), text),
    async run() {
      const r = await s.run();
      countMeta(r);
      return r;
    },
    async all() {
      const r = await s.all();
      countMeta(r);
      return r;
    },
    async first(col?: string) {
      const r = await s.all<Record<string, unknown>>();
      countMeta(r);
      const row = r.results[0];
      if (col === undefined) return row ?? null;
      return row ? (row[col] ?? null) : null;
    },
    async raw(opts?: { columnNames?: boolean }) {
      const rows = await s.raw(opts as { columnNames: true });
      // raw() has no meta: a SELECT is run once more through all() for its counts (bench mode only).
      if (state.on && /^\s*select/i.test(text)) countMeta(await s.all());
      return rows;
    },
  } as unknown as D1PreparedStatement;
  real.set(wrapped, s);
  return wrapped;
}

function database<T extends D1Database | D1DatabaseSession>(d1: T): T {
  const base = {
    prepare: (q: string) => statement(d1.prepare(q), q),
    async batch(stmts: D1PreparedStatement[]) {
      const rs = await d1.batch(stmts.map((x) => real.get(x) ?? x));
      for (const r of rs) countMeta(r);
      return rs;
    },
  };
  if ('withSession' in d1) {
    const db = d1 as D1Database;
    return {
      ...base,
      exec: (q: string) => db.exec(q),
      dump: () => db.dump(),
      withSession: (c?: string) => database(db.withSession(c)),
    } as unknown as T;
  }
  return { ...base, getBookmark: () => (d1 as D1DatabaseSession).getBookmark() } as unknown as T;
}

function kv(ns: KVNamespace): KVNamespace {
  return new Proxy(ns, {
    get(t, p) {
      const v = Reflect.get(t, p);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (state.on) {
          if (p === 'get' || p === 'getWithMetadata' || p === 'list') state.c.kv_reads++;
          else if (p === 'put' || p === 'delete') state.c.kv_writes++;
        }
        return Reflect.apply(v, t, args);
      };
    },
  });
}

function queue<Q extends Queue<unknown>>(q: Q): Q {
  return new Proxy(q, {
    get(t, p) {
      const v = Reflect.get(t, p);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (state.on) {
          if (p === 'send') state.c.queue_messages++;
          if (p === 'sendBatch') state.c.queue_messages += (args[0] as unknown[]).length;
        }
        return Reflect.apply(v, t, args);
      };
    },
  });
}

function stub(s: DurableObjectStub, name: string): DurableObjectStub {
  return new Proxy(s, {
    get(t, p) {
      const v = Reflect.get(t, p);
      if (typeof v !== 'function' || typeof p !== 'string') return v;
      return (...args: unknown[]) => {
        if (state.on) state.c.do_requests[name] = (state.c.do_requests[name] ?? 0) + 1;
        return Reflect.apply(v, t, args);
      };
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: any namespace's stubs are counted the same way
function namespace<N extends DurableObjectNamespace<any>>(ns: N, name: string): N {
  return new Proxy(ns, {
    get(t, p) {
      const v = Reflect.get(t, p);
      if (typeof v !== 'function') return v;
      if (p === 'get' || p === 'getByName')
        return (...args: unknown[]) => stub(Reflect.apply(v, t, args) as DurableObjectStub, name);
      return (...args: unknown[]) => Reflect.apply(v, t, args);
    },
  });
}

const wrapped = new WeakMap<Env, Env>();
/** The bindings, counted when BENCH_METRICS=on; otherwise `env` itself. */
export function metered(env: Env): Env {
  if (env.BENCH_METRICS !== 'on') return env;
  let m = wrapped.get(env);
  if (!m) {
    m = {
      ...env,
      DB: database(env.DB),
      ...(env.DB_SHARD_1 ? { DB_SHARD_1: database(env.DB_SHARD_1) } : {}),
      KV: kv(env.KV),
      EVENTS: queue(env.EVENTS),
      ACCOUNT_LIMITER: namespace(env.ACCOUNT_LIMITER, 'AccountLimiter'),
      CALL_SESSION: namespace(env.CALL_SESSION, 'CallSession'),
      RTB_EXCHANGE: namespace(env.RTB_EXCHANGE, 'RtbExchange'),
      BATCH_DISPATCHER: namespace(env.BATCH_DISPATCHER, 'BatchDispatcher'),
    };
    wrapped.set(env, m);
  }
  return m;
}
