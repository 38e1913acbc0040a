"""Which sites a user may see. Every site-scoped query goes through here.

It lives with the users, not the sites: membership (User.sites) and roles are both accounts'
data, and sites sit below accounts in the layers (pyproject.toml, [tool.importlinter]).
"""

from django.db.models import QuerySet

from apps.accounts.roles import Role, has_role
from apps.sites.models import Site


def sites_visible_to(user) -> QuerySet[Site]:
    """Admins see every active site; everyone else only the sites they are a member of."""
    if not user.is_authenticated:
        return Site.objects.none()
    sites = Site.objects.filter(is_active=True)
    if has_role(user, Role.ADMIN):
        return sites
    return sites.filter(members=user)


def user_can_see_site(user, site_code: str) -> bool:
    return sites_visible_to(user).filter(code=site_code).exists()
