"""Onboarding the network: the public listing request, its review by Département staff,
and a place's managers (invitations, withdrawals)."""
