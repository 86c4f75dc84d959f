-- An admin can write off debt with a reason (POST /credits/admin/accounts/{userId}/forgive-debt): its own kind, so
-- a statement and an audit tell it from an adjustment of the spendable balance.
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('signup_bonus', 'purchase', 'charge', 'refund', 'gift', 'clawback', 'debt_repayment',
                    'adjustment', 'debt_forgiveness'));
