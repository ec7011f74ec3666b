CREATE TABLE `ingest_events` (
	`account_id` text NOT NULL,
	`source` text NOT NULL,
	`key` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `source`, `key`)
);
--> statement-breakpoint
CREATE INDEX `ingest_events_created` ON `ingest_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `leads` (
	`account_id` text NOT NULL,
	`phone` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `phone`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `calls` ADD `external` text;