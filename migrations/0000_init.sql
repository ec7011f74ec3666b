CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`plan` text NOT NULL,
	`limits` text DEFAULT '{}' NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`webhook_auth_key_hash` text NOT NULL,
	`ingest_public_key_hash` text NOT NULL,
	`ingest_private_key_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_webhook_auth_key_hash` ON `accounts` (`webhook_auth_key_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_ingest_public_key_hash` ON `accounts` (`ingest_public_key_hash`);--> statement-breakpoint
CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`prompt` text NOT NULL,
	`first_message` text,
	`voice_id` text,
	`language` text DEFAULT 'en-US' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`max_duration` integer DEFAULT 1800 NOT NULL,
	`analysis_schema` text DEFAULT '[]' NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agents_account` ON `agents` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text,
	`mode` text NOT NULL,
	`prefix` text NOT NULL,
	`last4` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_account` ON `api_keys` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`agent_id` text,
	`batch_id` text,
	`direction` text NOT NULL,
	`from_number` text,
	`to_number` text NOT NULL,
	`status` text NOT NULL,
	`end_reason` text,
	`provider` text NOT NULL,
	`provider_call_id` text,
	`max_duration` integer NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`answered_at` integer,
	`ended_at` integer,
	`duration` integer,
	`transcript` text,
	`summary` text,
	`sentiment` text,
	`outcome` text,
	`analysis` text,
	`recording_url` text,
	`variables` text DEFAULT '{}' NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`caller_data` text,
	`converted` integer DEFAULT false NOT NULL,
	`payout` real,
	`rtb` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calls_account_created` ON `calls` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `calls_account_status` ON `calls` (`account_id`,`status`);--> statement-breakpoint
CREATE INDEX `calls_account_agent` ON `calls` (`account_id`,`agent_id`);--> statement-breakpoint
CREATE INDEX `calls_account_batch` ON `calls` (`account_id`,`batch_id`);--> statement-breakpoint
CREATE INDEX `calls_provider_call_id` ON `calls` (`provider_call_id`);--> statement-breakpoint
CREATE TABLE `clerk_links` (
	`subject` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`route` text NOT NULL,
	`key` text NOT NULL,
	`body_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	`locked_until` integer NOT NULL,
	PRIMARY KEY(`account_id`, `route`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `phone_numbers` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`number` text NOT NULL,
	`provider` text NOT NULL,
	`agent_id` text,
	`rtb_route_id` text,
	`name` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `phone_numbers_number` ON `phone_numbers` (`number`);--> statement-breakpoint
CREATE INDEX `phone_numbers_account` ON `phone_numbers` (`account_id`,`created_at`);