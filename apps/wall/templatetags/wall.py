from django import template

register = template.Library()


@register.filter
def short_role(label: str) -> str:
    """'Approver — procurement' → 'procurement' (the tile is narrow; the role is what matters)."""
    return label.split("— ", 1)[-1] if label else ""
