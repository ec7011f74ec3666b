-- Issue #15: indexes for the hot lookups that scanned (test/integration/query-plans.test.ts).
-- A batch's calls by status: GET /v1/batches/{id} and the dispatcher's "any call still live?" on every call end and poll.
CREATE INDEX `calls_batch_status` ON `calls` (`batch_id`,`status`);--> statement-breakpoint
-- Meta's webhook routes a message by the WhatsApp phone_number_id it arrived on.
CREATE INDEX `phone_numbers_whatsapp` ON `phone_numbers` (`whatsapp_phone_number_id`);
