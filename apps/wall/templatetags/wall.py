from django import template

register = template.Library()


@register.filter
def short_role(label: str) -> str:
    """'Approver — procurement' → 'procurement', 'Shift supervisor' → 'supervisor' (the tile is narrow)."""
    return label.split("— ", 1)[-1].split()[-1].lower() if label else ""
