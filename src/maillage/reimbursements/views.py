"""Staff's and managers' pages over statements and budgets."""
