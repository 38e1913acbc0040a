"""Writes of the cases app. Detection (detection, lifecycle), people's actions (actions, odoo),
cases from outside the mirror (intake), and screens (publishing)."""
