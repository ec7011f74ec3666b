import { generateKeyPairSync } from 'node:crypto';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildAssets } from './scripts/build-assets.mjs';

// wrangler.toml's [assets] directory must exist before the Worker starts.
await buildAssets();

// A throwaway RSA key pair: tests sign their own Clerk-style tokens; the Worker trusts the public half.
const clerk = generateKeyPairSync('rsa', { modulusLength: 2048 });

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations('./migrations'),
          ADMIN_TOKEN: 'test_admin_token',
          SESSION_SECRET: 'test_session_secret',
          LOG_LEVEL: 'silent',
          // Lets crash-safety tests arm fault points (src/lib/faults.ts).
          FAULT_INJECTION: 'on',
          SIMULATOR_TIME_SCALE: '0.01',
          WEBHOOK_RETRY_SCALE: '0.0001',
          // Pinned so a developer's .dev.vars cannot make local runs differ from CI.
          ALLOW_PRIVATE_WEBHOOK_URLS: 'false',
          // Webhook hosts resolve from src/lib/dns.ts's local table (the DoH client is tested with fixtures).
          WEBHOOK_DNS: 'local',
          // Accounts without their own provider credentials use the deployment's below (the legacy tests);
          // provider-credentials.test.ts runs the Worker with this off as well.
          PROVIDER_DEFAULT_CREDENTIALS: 'on',
          // A fixed test keyring sealing provider secrets (lib/secret-box.ts).
          PROVIDER_SECRETS_KEYS: 'k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
          // Twilio numbers in tests talk to recorded fixtures at twilio.test (test/fixtures/twilio).
          TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
          TWILIO_AUTH_TOKEN: 'test_twilio_auth_token',
          TWILIO_API_BASE: 'https://twilio.test',
          // Meta WhatsApp in tests talks to recorded fixtures at graph.test (test/fixtures/meta).
          META_WHATSAPP_TOKEN: 'test_meta_token',
          META_APP_SECRET: 'test_meta_app_secret',
          META_VERIFY_TOKEN: 'test_meta_verify_token',
          META_GRAPH_BASE: 'https://graph.test/v21.0',
          META_WABA_ID: '102290129340398',
          CLERK_ISSUER: 'https://clerk.test.callplane.dev',
          CLERK_AUTHORIZED_PARTIES: 'https://app.callplane.dev',
          CLERK_JWT_KEY: clerk.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          TEST_CLERK_PRIVATE_KEY: clerk.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          TEST_CLERK_PUBLIC_KEY: clerk.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      },
    }),
  ],
  test: {
    setupFiles: ['./test/helpers/setup.ts'],
    testTimeout: 30_000,
  },
});
