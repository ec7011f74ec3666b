-- Issue 15 (shards): the directory. Migrations run on every D1 database; these two tables are used only
-- on `DB` (shard 0 and the directory) and stay empty elsewhere (src/db/shards.ts).
-- Where each account lives. No row = `DB`: every account made before shards stays where it is.
CREATE TABLE `account_placements` (
	`account_id` text PRIMARY KEY NOT NULL,
	`shard` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_placements_shard` ON `account_placements` (`shard`);
--> statement-breakpoint
-- Deployment-wide uniqueness and routing of identifiers that arrive without an account: E.164 numbers
-- (`number`) and WhatsApp phone_number_ids (`whatsapp_id`). Claimed here first, then the shard row is written.
CREATE TABLE `number_claims` (
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `value`)
);
--> statement-breakpoint
CREATE INDEX `number_claims_account` ON `number_claims` (`account_id`);
--> statement-breakpoint
-- Backfill from the rows already on this database (on an empty shard this inserts nothing).
INSERT OR IGNORE INTO `number_claims` (`kind`, `value`, `account_id`, `created_at`)
	SELECT 'number', `number`, `account_id`, `created_at` FROM `phone_numbers`;
--> statement-breakpoint
INSERT OR IGNORE INTO `number_claims` (`kind`, `value`, `account_id`, `created_at`)
	SELECT 'whatsapp_id', `whatsapp_phone_number_id`, `account_id`, `created_at` FROM `phone_numbers`
	WHERE `whatsapp_phone_number_id` IS NOT NULL;
