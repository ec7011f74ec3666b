CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`name` text,
	`status` text NOT NULL,
	`schedule_at` integer,
	`from_number` text,
	`max_duration` integer,
	`calling_window` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`total_recipients` integer NOT NULL,
	`duplicates_removed` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `batches_account_created` ON `batches` (`account_id`,`created_at`);