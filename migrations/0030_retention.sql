-- Issue #15 growth: per-account retention overrides (days per kind of data; absent = the default, null = keep),
-- and the index the retention purge and account deletion read deliveries through.
ALTER TABLE `accounts` ADD `retention` text DEFAULT '{}' NOT NULL;
--> statement-breakpoint
CREATE INDEX `deliveries_account_created` ON `deliveries` (`account_id`,`created_at`);
