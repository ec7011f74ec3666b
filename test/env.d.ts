import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env extends import('../src/env').Env {
      TEST_MIGRATIONS: D1Migration[];
      TEST_CLERK_PRIVATE_KEY: string;
      TEST_CLERK_PUBLIC_KEY: string;
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index');
      durableNamespaces: 'AccountLimiter' | 'CallSession' | 'RtbEndpoint';
    }
  }
}
export {};
