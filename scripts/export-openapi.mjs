// Writes the OpenAPI document the Worker serves at /openapi.json to a file, without starting a server:
// esbuild bundles src/app.ts for Node (with `cloudflare:workers` swapped for an inert stand-in, since
// building the document never touches a Durable Object) and the bundle's createApp() renders it.
// Used by `npm run openapi` (Redocly lint, client generation) and by .ci/run to check it is current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(root, process.argv[2] ?? 'openapi.json');
const bundle = resolve(root, 'node_modules/.cache/callplane/openapi-export.mjs');
mkdirSync(dirname(bundle), { recursive: true });

const workersStub = {
  name: 'cloudflare-workers-stub',
  setup(b) {
    b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, namespace: 'cf-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'cf-stub' }, () => ({
      contents: 'export class DurableObject {}; export class WorkerEntrypoint {}; export const env = {};',
      loader: 'js',
    }));
  },
};

await build({
  stdin: {
    contents:
      "import { createApp } from './src/app';\n" +
      "import { openApiDocument } from './src/routes/openapi';\n" +
      'export const doc = openApiDocument(createApp());',
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: bundle,
  plugins: [workersStub],
  logLevel: 'error',
});
const { doc } = await import(`${pathToFileURL(bundle).href}?t=${Date.now()}`);
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`wrote ${out} (${Object.keys(doc.paths ?? {}).length} paths)`);
