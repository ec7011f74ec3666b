-- Issue #17 part 2: redial policies (calls, batches, agents) and the account's quiet hours.
ALTER TABLE `calls` ADD `attempt` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `first_call_id` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `redial` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `scheduled_at` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `next_attempt_at` integer;--> statement-breakpoint
ALTER TABLE `batches` ADD `redial` text;--> statement-breakpoint
ALTER TABLE `agents` ADD `redial` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `quiet_hours` text;--> statement-breakpoint
CREATE INDEX `calls_scheduled` ON `calls` (`status`,`scheduled_at`);
