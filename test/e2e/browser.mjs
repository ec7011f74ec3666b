#!/usr/bin/env node
// The dashboard in a real browser: Debian's chromium driven by playwright-core (no browser download) against
// a real `wrangler dev`. Signs in with an API key, creates an agent and a webhook endpoint, watches a call go
// live and complete with its marks, sees the delivery and its attempts, creates and revokes a key, uploads
// a CSV with a bad row, asks the Reporting AI for a chart, renders /docs with every non-loopback request
// blocked, and signs out. Screenshots go to test/e2e/screenshots/ (git-ignored) on every run.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ADMIN_TOKEN, api, startServer } from '../../bench/lib/server.mjs';

const PORT = Number(process.env.E2E_BROWSER_PORT ?? 8797);
const RECEIVER_PORT = Number(process.env.E2E_BROWSER_RECEIVER_PORT ?? 8798);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, 'screenshots');
mkdirSync(SHOTS, { recursive: true });

let passed = 0,
  failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? '✓' : '✗'} ${name}${ok ? '' : ` ${detail}`}`);
}
async function step(name, fn) {
  try {
    await fn();
    check(name, true);
  } catch (err) {
    check(name, false, String(err?.message ?? err).split('\n')[0]);
    await shot(`failed-${name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => {});
  }
}

const hits = [];
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    hits.push(req.url);
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('received by the e2e receiver');
  });
});
await new Promise((r) => receiver.listen(RECEIVER_PORT, '127.0.0.1', r));

console.log('e2e: the dashboard in chromium');
const server = await startServer({
  port: PORT,
  vars: {
    SESSION_SECRET: 'browser_e2e_session_secret',
    ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
    SIMULATOR_TIME_SCALE: '0.5',
    WEBHOOK_RETRY_SCALE: '0.001',
  },
});
const profile = mkdtempSync(join(tmpdir(), 'callplane-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
// Nothing but loopback: a request anywhere else is aborted and recorded (the "no CDN" guarantee).
const outside = [];
await context.route('**/*', (route) => {
  const host = new URL(route.request().url()).hostname;
  if (host === '127.0.0.1' || host === 'localhost') return route.continue();
  outside.push(route.request().url());
  return route.abort();
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(15_000);
page.on('dialog', (d) => d.accept());
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
const shot = (name, fullPage = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
const go = (path) => page.goto(server.base + path);

try {
  const made = await api(server.base, 'POST', '/admin/accounts', ADMIN_TOKEN, {
    name: 'Browser demo',
    plan: 'growth',
  });
  const key = made.api_key;

  await step('an unsigned visitor is sent to sign-in', async () => {
    await go('/dashboard/settings');
    if (!page.url().endsWith('/dashboard/sign_in')) throw new Error(`at ${page.url()}`);
    await shot('01-sign-in');
  });

  await step('sign in with the API key', async () => {
    // By keyboard: the key field has focus on arrival, Enter submits.
    await page.keyboard.type(key);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dashboard$/);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('No calls today yet.').waitFor();
    await shot('02-overview-empty');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
    if (first !== 'Skip to content') throw new Error(`first Tab stop is ${first}`);
  });

  await step('/docs renders the API reference with no network', async () => {
    await go('/docs');
    await page.getByRole('heading', { name: 'callplane API' }).waitFor({ timeout: 30_000 });
    await page.getByText('Download OpenAPI Document').first().waitFor();
    // An operation rendered in the main column (sidebar groups may start collapsed).
    await page.getByText('The account this credential belongs to').first().waitFor();
    await shot('03-docs-offline', false);
    if (outside.length) throw new Error(`requests left loopback: ${outside.slice(0, 3).join(', ')}`);
  });

  await step('create an agent', async () => {
    await go('/dashboard/agents');
    const f = page.getByRole('form', { name: 'Create an agent' });
    await f.getByLabel('Name', { exact: true }).fill('Browser agent');
    await f.getByLabel('Prompt').fill('Confirm the appointment for {{name}}.');
    await f.getByLabel('First message').fill('Hello {{name}}!');
    await f.getByLabel(/Analysis fields/).fill('confirmed:boolean:Did they confirm?');
    await f.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('cell', { name: 'Browser agent' }).waitFor();
  });

  await step('create a webhook endpoint; its secret is shown once', async () => {
    await go('/dashboard/webhooks');
    const f = page.getByRole('form', { name: 'Add a webhook endpoint' });
    await f.getByLabel('URL').fill(`http://127.0.0.1:${RECEIVER_PORT}/hook`);
    await f.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText(/Signing secret for .* \(shown once/).waitFor();
    if (!/whsec_/.test(await page.locator('.secret code').innerText())) throw new Error('no secret shown');
  });

  let callId = '';
  await step('place a call and watch it go live, fire its marks and complete on the Live page', async () => {
    await go('/dashboard/agents');
    const f = page.getByRole('form', { name: 'Place a test call' });
    await f.getByLabel('Phone (E.164)').fill('+14155550142');
    await f.getByLabel(/talk time/).fill('32');
    await f.getByRole('button', { name: 'Call' }).click();
    callId = await page.locator('[role=status] a[href^="/dashboard/calls/call_"]').innerText();
    await go('/dashboard/live');
    const row = page.locator('tr', { hasText: callId });
    await row.locator('.badge', { hasText: 'in_progress' }).waitFor({ timeout: 20_000 });
    await row.locator('.mark.on[data-mark="5"]').waitFor({ timeout: 20_000 });
    await shot('04-live-in-progress');
    await row.locator('.mark.on[data-mark="30"]').waitFor({ timeout: 30_000 });
    await row.locator('.badge', { hasText: 'completed' }).waitFor({ timeout: 30_000 });
    await shot('05-live-completed');
  });

  await step('the delivery log shows the call events with their attempts', async () => {
    await go('/dashboard/webhooks');
    const completed = page.locator('tr', { hasText: 'call.completed' }).first();
    await completed.waitFor();
    await completed.locator('.badge', { hasText: 'succeeded' }).waitFor();
    await completed.locator('summary').first().click();
    await completed
      .getByText(/→ 200 \(\d+ ms\)/)
      .first()
      .waitFor();
    if (!hits.length) throw new Error('the receiver got nothing');
    await shot('06-webhooks');
  });

  await step("the call's page: timeline with deliveries, transcript, recording", async () => {
    await go(`/dashboard/calls/${callId}`);
    await page.getByText('call.on_15_secs_mark').waitFor();
    await page.locator('.deliveries .badge', { hasText: 'succeeded' }).first().waitFor();
    await page.locator('.transcript').waitFor();
    await page.locator('audio').waitFor();
    await shot('07-call');
  });

  await step('create an API key (shown once) and revoke it', async () => {
    await go('/dashboard/settings');
    const f = page.getByRole('form', { name: 'Create an API key' });
    await f.getByLabel('Name', { exact: true }).fill('browser key');
    await f.getByRole('button', { name: 'Create key' }).click();
    await page.locator('#secret-shown code', { hasText: /^sk_test_/ }).waitFor();
    const row = page.locator('tr', { hasText: 'browser key' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('tr', { hasText: 'browser key' }).locator('.badge', { hasText: 'revoked' }).waitFor();
    await shot('08-settings');
  });

  await step('a CSV batch with one bad row shows that row error before submitting', async () => {
    await go('/dashboard/batches');
    const csv = 'phone,name\n+14155550101,Ada\n555-0102,Grace\n+14155550103,Linus\n';
    await page.setInputFiles('#csv_file', {
      name: 'recipients.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByText('3 recipient(s), 1 with errors.').waitFor();
    const bad = page.locator('tr', { hasText: '555-0102' });
    await bad.getByText(/must be in E\.164 format/).waitFor();
    if ((await bad.locator('td').first().innerText()) !== '3') throw new Error('wrong line number');
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.getByText(/Fix the 1 row\(s\) listed above/).waitFor();
    await shot('09-batch-row-error');
    await page.getByLabel('Leave out rows with errors').check();
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.locator('.progress').first().waitFor();
  });

  await step('WhatsApp: send a template and see the conversation with its status', async () => {
    await go('/dashboard/whatsapp');
    await page.getByText('No conversations yet.').waitFor();
    const f = page.getByRole('form', { name: 'Send a WhatsApp message' });
    await f.getByLabel('To (E.164)').fill('+15005550005');
    await f.getByLabel('Text, or template name').fill('order_update');
    await f.getByLabel(/Template parameters/).fill('Ada, Shipped');
    await f.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: /\+15005550005/ }).waitFor();
    await page.locator('li', { hasText: 'template order_update' }).locator('.badge').waitFor();
  });

  await step('RTB: create an endpoint and a route, then ping it from the tester', async () => {
    await go('/dashboard/rtb');
    const f = page.getByRole('form', { name: 'Create an RTB endpoint' });
    await f.getByLabel('Name', { exact: true }).fill('Publisher A');
    await f.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText(/Ping URL: .*\/inbound_rtb\/rtb_/).waitFor();
    await page.getByText('Add a route').click();
    const r = page.getByRole('form', { name: 'Add a route to Publisher A' });
    await r.getByLabel('Buyer').fill('Acme');
    await r.getByLabel(/^Number/).fill('+15559876543');
    await r.getByLabel('Payout').fill('45');
    for (const day of ['sat', 'sun']) await r.locator(`input[name=days][value=${day}]`).check();
    await r.getByLabel('Open from').fill('00:00');
    await r.getByLabel('to', { exact: true }).fill('23:59');
    await r.getByRole('button', { name: 'Add route' }).click();
    await page.getByRole('cell', { name: 'Acme' }).waitFor();
    await page.getByText('Ping tester').click();
    await page.getByRole('button', { name: 'Send ping' }).click();
    await page.locator('pre', { hasText: '"allocated_count": 1' }).waitFor();
    await shot('10-rtb');
  });

  await step('ask the Reporting AI a question and see a chart drawn', async () => {
    await go('/dashboard/reporting');
    await page.getByLabel('Question').fill('How many calls by status today?');
    await page.getByRole('button', { name: 'Ask' }).click();
    await page.locator('.answer figure.chart canvas').waitFor();
    await page.locator('.answer details summary', { hasText: 'SQL' }).click();
    await shot('11-reporting-chart');
  });

  await step('overview at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await go('/dashboard');
    await page.locator('figure.chart canvas').waitFor();
    await shot('12-overview-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('sign out, and the old session is refused', async () => {
    await go('/dashboard');
    const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
    const cookies = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/dashboard\/sign_in$/);
    await go('/dashboard/calls');
    if (!page.url().endsWith('/dashboard/sign_in')) throw new Error('a page answered after sign-out');
    // The cookie as it was before sign-out, replayed with its CSRF token, is refused by the API.
    const old = cookies.find((c) => c.name === 'cp_session');
    const res = await fetch(`${server.base}/v1/account`, {
      headers: { Cookie: `cp_session=${old.value}`, 'X-CSRF-Token': csrf },
    });
    if (res.status !== 401) throw new Error(`old session answered ${res.status}`);
  });

  check('no script errors on any page', errors.length === 0, errors.slice(0, 3).join(' | '));
  check('no request left loopback', outside.length === 0, outside.slice(0, 3).join(', '));
} catch (err) {
  failed++;
  console.error(err);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  server.stop();
  receiver.close();
}
console.log(`e2e browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
