-- An order's and a ledger entry's account is one of their own program, and the database says so: one foreign key
-- on (account_id, program_id) where two checked the account and the program apart, which let a row name one
-- program's account under another program. It is also one check per row where there were two, and no share lock
-- taken on the program's row for every order and every entry: every batch of every writer locked that one row
-- (docs/performance.md). The account's own foreign key still names an existing program.
ALTER TABLE accounts ADD CONSTRAINT accounts_id_program UNIQUE (id, program_id);
ALTER TABLE redemptions
  DROP CONSTRAINT redemptions_program_id_fkey,
  DROP CONSTRAINT redemptions_account_id_fkey,
  ADD CONSTRAINT redemptions_account_of_program FOREIGN KEY (account_id, program_id) REFERENCES accounts (id, program_id);
ALTER TABLE ledger_entries
  DROP CONSTRAINT ledger_entries_program_id_fkey,
  DROP CONSTRAINT ledger_entries_account_id_fkey,
  ADD CONSTRAINT ledger_entries_account_of_program FOREIGN KEY (account_id, program_id) REFERENCES accounts (id, program_id);
ALTER TABLE quotes
  DROP CONSTRAINT quotes_program_id_fkey,
  DROP CONSTRAINT quotes_account_id_fkey,
  ADD CONSTRAINT quotes_account_of_program FOREIGN KEY (account_id, program_id) REFERENCES accounts (id, program_id);
