"""Demo sites and one user per role for the embedded demo. Passwords are random, kept in ./var."""

import json
import secrets
from typing import TypedDict

from django.conf import settings

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.sites.models import Site

# The three warehouses of the simulator's scenario, each in its own time zone.
DEMO_SITES = [
    {"code": "BRU", "name": "Brussels DC", "timezone": "Europe/Brussels"},
    {"code": "CHI", "name": "Chicago DC", "timezone": "America/Chicago"},
    {"code": "SIN", "name": "Singapore DC", "timezone": "Asia/Singapore"},
]
ALL = ["BRU", "CHI", "SIN"]


class DemoUser(TypedDict):
    username: str
    role: Role
    sites: list[str]


DEMO_USERS: list[DemoUser] = [
    {"username": "supervisor", "role": Role.SUPERVISOR, "sites": ["BRU", "CHI"]},
    {"username": "finance", "role": Role.APPROVER_FINANCE, "sites": ALL},
    {"username": "operations", "role": Role.APPROVER_OPERATIONS, "sites": ALL},
    {"username": "procurement", "role": Role.APPROVER_PROCUREMENT, "sites": ALL},
    {"username": "manager", "role": Role.MANAGER, "sites": ALL},
    {"username": "admin", "role": Role.ADMIN, "sites": ALL},
    {"username": "display", "role": Role.DISPLAY, "sites": ["BRU"]},
    {"username": "clerk", "role": Role.DOCK_CLERK, "sites": ["BRU"]},
]


def _credentials_file():
    return settings.VAR_DIR / "demo-users.json"


def read_demo_credentials() -> list[dict]:
    try:
        return json.loads(_credentials_file().read_text())
    except (OSError, ValueError):
        return []


def seed_demo_users() -> list[dict]:
    """Create (or refresh) the demo sites and users; keep each password stable across runs."""
    for site in DEMO_SITES:
        Site.objects.update_or_create(code=site["code"], defaults=site)
    known = {credential["username"]: credential["password"] for credential in read_demo_credentials()}
    credentials = []
    for spec in DEMO_USERS:
        password = known.get(spec["username"]) or f"{spec['username']}-{secrets.token_urlsafe(9)}"
        user_upsert(
            username=spec["username"],
            password=password,
            roles=[spec["role"]],
            sites=Site.objects.filter(code__in=spec["sites"]),
        )
        credentials.append({"username": spec["username"], "password": password, "role": str(spec["role"].label)})
    _credentials_file().parent.mkdir(parents=True, exist_ok=True)
    _credentials_file().write_text(json.dumps(credentials, indent=2))
    _credentials_file().chmod(0o600)
    return credentials
