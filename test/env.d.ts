import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_CLERK_PRIVATE_KEY: string;
      TEST_CLERK_PUBLIC_KEY: string;
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index');
      durableNamespaces: 'AccountLimiter' | 'CallSession' | 'RtbExchange' | 'BatchDispatcher';
    }
  }
}
