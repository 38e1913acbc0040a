"""Writes on approvals. Import the services from their modules (raising, decisions, sla)."""
