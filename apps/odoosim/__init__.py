"""Odoo 17 simulator: a protocol-faithful stand-in for a real Odoo server (tests and demo)."""
