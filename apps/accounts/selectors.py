"""Which sites a user may see. Every site-scoped query goes through here.

It lives with the users, not the sites: membership (User.sites) and roles are both accounts'
data, and sites sit below accounts in the layers (pyproject.toml, [tool.importlinter]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.accounts.roles import Role, has_role
from apps.accounts.token_limits import token_site_ids
from apps.sites.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def sites_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Site]:
    """Admins see every active site; everyone else only the sites they are a member of. A request
    made with an API token limited to some sites sees only those (apps/accounts/token_limits.py)."""
    if not user.is_authenticated:
        return Site.objects.none()
    sites = Site.objects.filter(is_active=True)
    limit = token_site_ids(user)
    if limit is not None:
        sites = sites.filter(pk__in=limit)
    if has_role(user, Role.ADMIN):
        return sites
    return sites.filter(members__pk=user.pk)


def user_can_see_site(user: AbstractBaseUser | AnonymousUser, site_code: str) -> bool:
    return sites_visible_to(user).filter(code=site_code).exists()
