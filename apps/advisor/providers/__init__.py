"""Text providers for triage and summaries: the local default (local.py) and the optional external
model (external.py), both keeping the contract in base.py. choose.provider_for picks one per site."""
