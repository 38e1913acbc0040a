from functools import wraps

from django.core.exceptions import PermissionDenied

from apps.accounts.roles import has_role


def role_required(*roles: str):
    """Allow the view to users holding any of these roles; others get 403 (login is already enforced)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
