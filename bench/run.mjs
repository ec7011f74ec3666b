#!/usr/bin/env node
// npm run bench [-- --quick] [-- only=limiter]: every benchmark against real `wrangler dev` servers.
import { benchBatches } from './batches.mjs';
import { benchHostile } from './hostile.mjs';
import { benchLimiter } from './limiter.mjs';
import { benchReporting } from './reporting.mjs';
import { benchRtb } from './rtb.mjs';
import { benchScale } from './scale.mjs';
import { benchSuppressions } from './suppressions.mjs';
import { benchWebhooks } from './webhooks.mjs';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('only='))?.slice(5);
const cases = {
  limiter: benchLimiter,
  webhooks: benchWebhooks,
  batches: benchBatches,
  rtb: benchRtb,
  hostile: benchHostile,
  reporting: benchReporting,
  scale: benchScale,
  suppression: benchSuppressions,
};

for (const [name, run] of Object.entries(cases)) {
  if (only && only !== name) continue;
  await run({ quick });
}
process.exit(0);
