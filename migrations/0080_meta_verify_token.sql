-- Issue 13: each account's own Meta webhook verify token (the GET subscription handshake at
-- /providers/whatsapp/{account_id}). Only its SHA-256 is here, for the handshake and for uniqueness; the token
-- itself is sealed with the account's other WhatsApp secrets (ciphertext) so the account can read it again.
ALTER TABLE `provider_credentials` ADD `verify_token_hash` text;
--> statement-breakpoint
CREATE UNIQUE INDEX `provider_credentials_verify_token` ON `provider_credentials` (`verify_token_hash`);
