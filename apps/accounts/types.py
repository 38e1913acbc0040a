"""Type names for who is asking: a signed-in user, or anyone (a page may be asked anonymously)."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User

AnyUser: TypeAlias = User | AnonymousUser  # what request.user is; selectors scope by it
