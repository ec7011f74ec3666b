CREATE TABLE `simulator_dials` (
	`provider_call_id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`to_number` text NOT NULL,
	`dialed_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `simulator_dials_call` ON `simulator_dials` (`call_id`);