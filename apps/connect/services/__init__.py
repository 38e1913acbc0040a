"""Services of the Odoo connection wizard (each module one step)."""
