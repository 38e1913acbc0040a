"""Writes on users: creating them with roles and sites, and their own preferences."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from apps.accounts.models import LANGUAGE_CODES, User
from apps.accounts.roles import Role
from apps.sites.models import Site


@transaction.atomic
def user_upsert(
    *, username: str, password: str, roles: Iterable[str], sites: Iterable[Site] = (), email: str = ""
) -> User:
    """Create the user, or bring an existing one to exactly these roles, sites and password."""
    roles = [Role(role) for role in roles]  # refuses an unknown role name
    # A new user is saved once, with its password: a later password change is what closes sockets.
    user = User.objects.filter(username=username).first() or User(username=username, email=email)
    user.set_password(password)
    user.is_staff = user.is_superuser = Role.ADMIN in roles
    user.save()
    # get_or_create: the groups come from a migration, but a flushed database (tests) has none.
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    user.sites.set(sites)
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Choose the language of every screen for this user ("" follows the browser)."""
    if language not in LANGUAGE_CODES:
        raise ValueError(f"language must be one of {sorted(LANGUAGE_CODES)}.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_shortcuts_set(*, user: User, enabled: bool) -> User:
    """Turn the user's single-key shortcuts on or off (a preference of their own: nothing to audit)."""
    if user.keyboard_shortcuts != enabled:
        user.keyboard_shortcuts = enabled
        user.save(update_fields=["keyboard_shortcuts"])
    return user
