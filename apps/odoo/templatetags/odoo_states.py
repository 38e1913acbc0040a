"""`{{ picking.state|odoo_state:"stock.picking" }}` reads "Ready" where Odoo stores "assigned"."""

from django import template

from apps.odoo.states import state_label

register = template.Library()


@register.filter
def odoo_state(state: str | None, model: str) -> str:
    return state_label(model, state)
