CREATE TABLE `reporting_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`session_id` text NOT NULL,
	`role` text NOT NULL,
	`content` text NOT NULL,
	`payload` text,
	`created_at` integer NOT NULL,
	`created_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reporting_messages_session` ON `reporting_messages` (`account_id`,`session_id`,`created_at_ms`);--> statement-breakpoint
CREATE TABLE `reporting_sessions` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`title` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `reporting_sessions_updated` ON `reporting_sessions` (`account_id`,`updated_at`);