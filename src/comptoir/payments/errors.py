INSUFFICIENT_BALANCE = "insufficient_balance"
LEDGER_UNBALANCED = "ledger_unbalanced"
