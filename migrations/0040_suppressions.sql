-- The suppression list (README "Suppression list"): numbers an account must not call or message.
-- One row per (account, phone, channel); a check reads the unique index by its (account_id, phone) prefix.
CREATE TABLE `suppressions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`phone` text NOT NULL,
	`channel` text NOT NULL,
	`reason` text NOT NULL,
	`source` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppressions_account_phone_channel` ON `suppressions` (`account_id`,`phone`,`channel`);
--> statement-breakpoint
CREATE INDEX `suppressions_account_created` ON `suppressions` (`account_id`,`created_at`,`id`);
