-- Issue 14 (Reporting AI speed): the reporting views read an account's calls over a created_at range. With
-- (account_id, created_at) alone every row in the range cost a second lookup into the table for the columns
-- a question reads (status, duration, payout…); this index carries those columns, so a question over 100 000
-- calls reads only the index. It starts with (account_id, created_at) and replaces calls_account_created,
-- which every list and cursor used: they use this one the same way. Not carried: `rtb` (JSON; read only
-- when a question names RTB campaigns) and the large text columns (transcript, analysis, variables…).
-- Cost: an update that changes a carried column (status, answered_at, duration, outcome, sentiment,
-- converted, payout) also rewrites this index entry (docs/SCALING.md).
DROP INDEX `calls_account_created`;--> statement-breakpoint
CREATE INDEX `calls_account_created_covering` ON `calls` (`account_id`,`created_at`,`direction`,`status`,`answered_at`,`duration`,`converted`,`payout`,`outcome`,`sentiment`,`agent_id`,`batch_id`,`from_number`,`to_number`);
