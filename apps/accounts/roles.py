"""Roles. A role is a Django group with one of these names, so admins assign roles on the user page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("Shift supervisor")
    APPROVER_FINANCE = "approver_finance", _("Approver — finance")
    APPROVER_OPERATIONS = "approver_operations", _("Approver — operations")
    APPROVER_PROCUREMENT = "approver_procurement", _("Approver — procurement")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")
    DISPLAY = "display", _("Display (read-only screens)")
    DOCK_CLERK = "dock_clerk", _("Dock clerk")  # site-scoped: checks trucks in and out, does not reschedule


APPROVER_ROLES = frozenset({Role.APPROVER_FINANCE, Role.APPROVER_OPERATIONS, Role.APPROVER_PROCUREMENT})


def roles_of(user) -> frozenset[str]:
    """The user's roles, read once per user object. Superusers count as admins."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ct_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(names)
        user._ct_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of the given roles."""
    return bool(roles_of(user) & set(roles))
