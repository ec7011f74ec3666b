-- Per-account provider credentials (README "Security"): secrets AES-GCM encrypted under a keyring key
-- named by key_id; only last-four hints and public ids are readable. One row per account and provider.
CREATE TABLE `provider_credentials` (
	`account_id` text NOT NULL,
	`provider` text NOT NULL,
	`external_id` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	`key_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `provider`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `provider_credentials_key` ON `provider_credentials` (`key_id`);--> statement-breakpoint
-- A Meta phone_number_id routes to one account only: before the unique index, the later duplicates lose it.
UPDATE `phone_numbers` SET `whatsapp_phone_number_id` = NULL
WHERE `whatsapp_phone_number_id` IS NOT NULL AND `rowid` NOT IN (
	SELECT min(`rowid`) FROM `phone_numbers` WHERE `whatsapp_phone_number_id` IS NOT NULL GROUP BY `whatsapp_phone_number_id`
);--> statement-breakpoint
CREATE UNIQUE INDEX `phone_numbers_whatsapp_id` ON `phone_numbers` (`whatsapp_phone_number_id`);
