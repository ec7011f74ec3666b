// Every SQL statement passes here before D1 (README "Reporting AI"). Parsed with node-sql-parser (SQLite), then the
// tree is walked by hand: one SELECT, allow-listed views only, no schema qualifiers, no table-valued
// functions, allow-listed functions only, no CTEs. The account filter is then applied by binding each
// view name to its account-scoped definition — never trusted to the query — and rows are capped at 1 000.
import pkg from 'node-sql-parser/build/sqlite.js';
import { VIEWS, type View } from './model';

const { Parser } = pkg as unknown as {
  Parser: new () => { astify(sql: string, opt: { database: string }): unknown };
};
const parser = new Parser();

export const MAX_ROWS = 1000;
const ALLOWED_TABLES = new Set<string>(Object.keys(VIEWS));
const ALLOWED_FUNCTIONS = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'total',
  'round',
  'abs',
  'coalesce',
  'ifnull',
  'nullif',
  'strftime',
  'date',
  'datetime',
  'lower',
  'upper',
  'length',
  'cast',
  'instr',
  'substr',
  // Window functions: median and percentiles rank rows (compiler.ts); shares divide by a window total.
  'row_number',
]);

export class GuardError extends Error {}

function walk(node: unknown, visit: (n: Record<string, unknown>) => void) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  visit(obj);
  for (const v of Object.values(obj)) walk(v, visit);
}

function functionName(n: Record<string, unknown>): string {
  const name = n.name as unknown;
  if (typeof name === 'string') return name;
  const parts = (name as { name?: Array<{ value?: string }> })?.name;
  return Array.isArray(parts) ? parts.map((p) => p.value ?? '').join('.') : String(name);
}

// Parsing is most of the guard's cost (0.1–1 ms a question in V8, more on a cold isolate); the same SQL
// gets the same verdict, so accepted statements are remembered (a bounded map, cleared when full).
// Refusals are not cached. The key is the SQL with every numeric literal outside quotes written as 0:
// a rolling period ("last 7 days") puts the current second into the SQL, so the exact text never repeats,
// yet a number cannot change what the verdict looks at (statement kinds, node types, functions, views).
const accepted = new Map<string, View[]>();
const ACCEPTED_MAX = 1000;
const LITERALS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\b\d+(?:\.\d+)?\b/g;
export const shapeOf = (sql: string) => sql.replace(LITERALS, (t) => (/^\d/.test(t) ? '0' : t));

/** Throws GuardError unless `sql` is one safe SELECT over the reporting views. Returns the views it reads. */
export function checkSql(sql: string): View[] {
  if (sql.length > 10_000) throw new GuardError('query too long');
  const key = shapeOf(sql);
  const hit = accepted.get(key);
  if (hit) return [...hit];
  const views = parseAndCheck(sql);
  if (accepted.size >= ACCEPTED_MAX) accepted.clear();
  accepted.set(key, views);
  return [...views];
}

function parseAndCheck(sql: string): View[] {
  if (sql.length > 10_000) throw new GuardError('query too long');
  if (/\b(pragma|attach|detach|vacuum|load_extension|sqlite_\w+)\b/i.test(sql))
    throw new GuardError('forbidden keyword');
  let ast: unknown;
  try {
    ast = parser.astify(sql, { database: 'sqlite' });
  } catch {
    throw new GuardError('not valid SQL');
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) throw new GuardError('exactly one statement is allowed');
  const root = statements[0] as Record<string, unknown>;
  if (root?.type !== 'select') throw new GuardError('only SELECT is allowed');
  const views = new Set<View>();
  walk(root, (n) => {
    if (n.with) throw new GuardError('WITH is not allowed');
    if (
      n.type &&
      typeof n.type === 'string' &&
      ![
        'select',
        'column_ref',
        'binary_expr',
        'number',
        'single_quote_string',
        'double_quote_string',
        'string',
        'aggr_func',
        'function',
        'expr_list',
        'star',
        'case',
        'when',
        'else',
        'bool',
        'null',
        'unary_expr',
        'cast',
        'default',
        'origin',
        'datatype',
        'interval',
        'backticks_quote_string',
        'ASC',
        'DESC',
      ].includes(n.type)
    ) {
      throw new GuardError(`${n.type} is not allowed`);
    }
    if (n.type === 'function' || n.type === 'aggr_func') {
      const name = functionName(n).toLowerCase();
      if (!ALLOWED_FUNCTIONS.has(name)) throw new GuardError(`function ${name} is not allowed`);
    }
  });
  // Every FROM, at any depth (UNION arms, subqueries in WHERE), names only allow-listed views.
  walk(root, (n) => {
    const from = n.from as Array<Record<string, unknown>> | null | undefined;
    if (!Array.isArray(from)) return;
    for (const item of from) {
      // A subquery is allowed (order statistics rank rows in one): its own FROM is checked by this same
      // walk, at its depth. A table-valued function is not.
      if (item.expr) {
        const sub = (item.expr as { ast?: { type?: string } }).ast;
        if (sub?.type !== 'select') throw new GuardError('table-valued functions are not allowed');
        continue;
      }
      if (item.db) throw new GuardError('schema-qualified names are not allowed');
      const table = String(item.table ?? '').toLowerCase();
      if (!ALLOWED_TABLES.has(table)) throw new GuardError(`table ${table} is not allowed`);
      views.add(table as View);
    }
  });
  if (!views.size) throw new GuardError('the query must read a reporting view');
  return [...views];
}

/**
 * The statement D1 runs: each view bound to the account (?1), the checked query inside, rows capped.
 * NOT MATERIALIZED: SQLite may copy a view that is read twice (a comparison of two periods) whole,
 * every row of the account, before either period's range can use the (account_id, created_at) index.
 */
export function boundSql(sql: string, views: View[]): string {
  const ctes = views.map((v) => `${v} AS NOT MATERIALIZED (${VIEWS[v]})`).join(',\n');
  return `WITH ${ctes}\nSELECT * FROM (${sql}) LIMIT ${MAX_ROWS}`;
}
