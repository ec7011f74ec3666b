#!/usr/bin/env node
// Builds dist/public, the Workers Static Assets directory (wrangler.toml [assets]): the Scalar API reference
// bundle and the dashboard's client script, style sheet and chart library, all from npm packages in the repo,
// so /docs and /dashboard load nothing from a CDN. wrangler runs this before `dev` and `deploy` ([build]);
// vitest.config.ts runs it too, so the assets directory always exists.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(root, 'dist/public/assets');

export async function buildAssets() {
  mkdirSync(join(OUT, 'scalar'), { recursive: true });
  copyFileSync(
    join(root, 'node_modules/@scalar/api-reference/dist/browser/standalone.js'),
    join(OUT, 'scalar/standalone.js'),
  );
  await build({
    entryPoints: [join(root, 'src/dashboard/client/main.ts')],
    outfile: join(OUT, 'dashboard.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    sourcemap: false,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAssets();
