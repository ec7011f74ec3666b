CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`agent_id` text,
	`direction` text NOT NULL,
	`contact` text NOT NULL,
	`channel` text,
	`message_type` text NOT NULL,
	`content` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`provider_message_id` text,
	`error` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`delivered_at` integer,
	`read_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_account_created` ON `messages` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_account_contact` ON `messages` (`account_id`,`contact`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_provider_id` ON `messages` (`provider_message_id`);--> statement-breakpoint
CREATE TABLE `whatsapp_contacts` (
	`account_id` text NOT NULL,
	`phone` text NOT NULL,
	`last_inbound_at` integer,
	`last_agent_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `phone`)
);
--> statement-breakpoint
ALTER TABLE `phone_numbers` ADD `whatsapp_phone_number_id` text;