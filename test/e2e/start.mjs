#!/usr/bin/env node
// Runs the TypeScript end-to-end program (test/e2e/run.ts) without a TS runtime: esbuild bundles it to a
// temporary .mjs beside node_modules (so its imports of openapi-fetch and standardwebhooks resolve), then
// Node runs that file. Types are checked separately by `npm run typecheck` (test/e2e/tsconfig.json).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = join(root, 'node_modules/.cache/callplane-e2e');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `run-${process.pid}.mjs`);
await build({
  entryPoints: [join(root, 'test/e2e/run.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile], { stdio: 'inherit', cwd: root });
rmSync(outfile, { force: true });
process.exit(run.status ?? 1);
