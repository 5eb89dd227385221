-- An order is debited once: like its reversal, a second debit entry for one redemption is refused.
CREATE UNIQUE INDEX ledger_entries_one_debit ON ledger_entries (redemption_id) WHERE kind = 'debit';
