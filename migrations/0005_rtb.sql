CREATE TABLE `rtb_bids` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`route_id` text,
	`caller` text,
	`zip` text,
	`state` text,
	`publisher_id` text,
	`tags` text,
	`payout` real,
	`eligible_count` integer NOT NULL,
	`reject_reason` text,
	`call_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `rtb_bids_account_created` ON `rtb_bids` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `rtb_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`rtb_id` text NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`campaign_name` text,
	`bid_ttl_seconds` integer DEFAULT 60 NOT NULL,
	`require_caller_id` integer DEFAULT false NOT NULL,
	`max_routes` integer,
	`status` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rtb_endpoints_rtb_id` ON `rtb_endpoints` (`rtb_id`);--> statement-breakpoint
CREATE INDEX `rtb_endpoints_account` ON `rtb_endpoints` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `rtb_routes` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`account_id` text NOT NULL,
	`buyer` text NOT NULL,
	`number` text NOT NULL,
	`payout` real NOT NULL,
	`duration` integer,
	`payout_condition` text,
	`payout_condition_duration` integer,
	`priority` integer DEFAULT 1 NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	`schedule` text,
	`geo` text,
	`caps` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`endpoint_id`) REFERENCES `rtb_endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rtb_routes_endpoint` ON `rtb_routes` (`endpoint_id`);--> statement-breakpoint
CREATE INDEX `rtb_routes_account_number` ON `rtb_routes` (`account_id`,`number`);