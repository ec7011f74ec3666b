-- Agent versions (README "Agent versions"): every change to what an agent says is an immutable row; the
-- agent's `version` names the current one; calls and batches record the version they use.
CREATE TABLE `agent_versions` (
	`agent_id` text NOT NULL,
	`version` integer NOT NULL,
	`account_id` text NOT NULL,
	`prompt` text NOT NULL,
	`first_message` text,
	`voice_id` text,
	`analysis_schema` text DEFAULT '[]' NOT NULL,
	`restored_from` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `version`)
);
--> statement-breakpoint
ALTER TABLE `agents` ADD `version` integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
ALTER TABLE `calls` ADD `agent_version` integer;
--> statement-breakpoint
ALTER TABLE `batches` ADD `agent_version` integer;
--> statement-breakpoint
ALTER TABLE `simulator_dials` ADD `agent` text;
--> statement-breakpoint
INSERT INTO `agent_versions` (`agent_id`, `version`, `account_id`, `prompt`, `first_message`, `voice_id`, `analysis_schema`, `restored_from`, `created_at`)
	SELECT `id`, 1, `account_id`, `prompt`, `first_message`, `voice_id`, `analysis_schema`, NULL, `created_at` FROM `agents`;
