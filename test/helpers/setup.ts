import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// Both D1 shards get every migration (src/db/shards.ts); accounts are placed on both.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.DB_SHARD_1!, env.TEST_MIGRATIONS);
