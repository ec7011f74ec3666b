#!/usr/bin/env node
// Checks the import graph of src/ against the layering in README "Code layout":
//   entry (index/app) → routes → middleware → durable-objects → services → providers/reporting → db/lib
// A file may import from its own layer or any lower one, never a higher one, and the graph has no
// cycles. durable-objects/stubs.ts is a leaf (it imports only `type Env`), so services may address an
// object through it without importing the object's class. The one allowed upward edge is env.ts naming the Durable Object classes as types (what
// `wrangler types` generates). Run by `npm run lint`; exits non-zero with the offending edges.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

// Higher number = higher layer. Matched by the first path prefix that fits.
const LAYERS = [
  ['durable-objects/stubs.ts', 1],
  ['index.ts', 7],
  ['app.ts', 7],
  ['queues/', 6],
  // The dashboard's server routes; dashboard/client/ is browser code bundled separately.
  ['dashboard/client/', 8],
  ['dashboard/', 6],
  ['routes/', 6],
  ['middleware/', 5],
  ['durable-objects/', 4],
  ['services/', 3],
  ['providers/', 2],
  ['reporting/', 2],
  ['db/', 1],
  ['lib/', 1],
  ['data/', 1],
  ['env.ts', 1],
];
const layerOf = (file) => {
  for (const [prefix, rank] of LAYERS) if (file === prefix || file.startsWith(prefix)) return rank;
  throw new Error(`check-layers: ${file} is in no layer; add it to LAYERS in scripts/check-layers.mjs`);
};

/** env.ts may name Durable Object classes as types; nothing else may point up. */
const allowedUpward = (from, to, typeOnly) =>
  from === 'env.ts' && typeOnly && to.startsWith('durable-objects/');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(p)) out.push(relative(src, p));
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
const INLINE_TYPE = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = join(dirname(join(src, from)), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return relative(src, candidate);
    } catch {}
  }
  return null;
}

const files = walk(src);
for (const file of files) layerOf(file);
/** from → [{ to, typeOnly }] */
const graph = new Map();
for (const file of files) {
  const text = readFileSync(join(src, file), 'utf8');
  const edges = [];
  for (const m of text.matchAll(IMPORT)) {
    const to = resolveImport(file, m[3]);
    if (to) edges.push({ to, typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(INLINE_TYPE)) {
    const to = resolveImport(file, m[1]);
    if (to) edges.push({ to, typeOnly: true });
  }
  graph.set(file, edges);
}

const problems = [];
for (const { to, typeOnly } of graph.get('durable-objects/stubs.ts') ?? []) {
  if (to !== 'env.ts' || !typeOnly)
    problems.push(`durable-objects/stubs.ts may import only type Env, not ${to}`);
}
for (const [from, edges] of graph) {
  for (const { to, typeOnly } of edges) {
    if (layerOf(to) > layerOf(from) && !allowedUpward(from, to, typeOnly)) {
      problems.push(`upward import: ${from} → ${to}`);
    }
  }
}

// Cycles (Tarjan's strongly connected components), ignoring the one allowed env.ts edge.
let index = 0;
const stack = [];
const meta = new Map();
function strongConnect(v) {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const { to, typeOnly } of graph.get(v) ?? []) {
    if (allowedUpward(v, to, typeOnly)) continue;
    if (!meta.has(to)) {
      strongConnect(to);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(to).low);
    } else if (meta.get(to).onStack) {
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(to).index);
    }
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) problems.push(`import cycle: ${component.sort().join(' ↔ ')}`);
  }
}
for (const file of files) if (!meta.has(file)) strongConnect(file);

if (problems.length) {
  console.error(`check-layers: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-layers: ${files.length} files, layering and acyclicity hold`);
