"""The navigation bar: one list of entries, each shown to the roles that use it.

Each feature adds its entry here when it lands, so a role never sees a link to a page it cannot open.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import APPROVER_ROLES, Role, has_role

EVERYONE = frozenset(Role.values)
DESK_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, *APPROVER_ROLES})


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise  # gettext_lazy: shown in the reader's language
    url_name: str
    roles: frozenset[str]
    staff_only: bool = False  # Django admin also needs is_staff
    setting: bool = False  # set up once, seldom opened: under "Settings", so the daily pages fit one line


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry(_("Overview"), "home", EVERYONE),
    NavEntry(_("Wall"), "wall:index", frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.DISPLAY})),
    NavEntry(_("Exceptions"), "cases:queue", DESK_ROLES),
    NavEntry(_("Approvals"), "approvals:inbox", DESK_ROLES),
    NavEntry(_("Docks"), "docks:index", frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.DOCK_CLERK})),
    NavEntry(_("KPIs"), "kpis:overview", frozenset({Role.MANAGER, Role.ADMIN})),
    NavEntry(_("Advisor"), "advisor:page", frozenset({Role.MANAGER, Role.ADMIN})),
    NavEntry(_("Message triage"), "advisor_text:triage-index", DESK_ROLES),
    NavEntry(_("Shift summary"), "advisor_text:summary-index", DESK_ROLES),
    NavEntry(_("Integration health"), "health:integration", frozenset({Role.ADMIN, Role.MANAGER})),
    NavEntry(_("Odoo connection"), "connect:odoo", frozenset({Role.ADMIN}), setting=True),
    NavEntry(_("Escalation"), "escalation:settings", frozenset({Role.ADMIN}), setting=True),
    NavEntry(_("API"), "api-docs", DESK_ROLES),
    NavEntry(_("API tokens"), "api_tokens:index", EVERYONE - {Role.DISPLAY}, setting=True),
    NavEntry(_("Integrations"), "integrations:settings", frozenset({Role.ADMIN}), setting=True),
    NavEntry(_("Advisors"), "advisor_settings:settings", frozenset({Role.ADMIN}), setting=True),
    NavEntry(_("Administration"), "admin:index", frozenset({Role.ADMIN}), staff_only=True, setting=True),
)


def navigation_for(user, current_path: str) -> list[dict]:
    """The entries this user may open, with the active one marked."""
    entries = []
    for entry in NAVIGATION:
        if not has_role(user, *entry.roles) or (entry.staff_only and not user.is_staff):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        entries.append({"label": entry.label, "url": url, "active": active, "setting": entry.setting})
    return entries
