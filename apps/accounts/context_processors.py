from apps.accounts.navigation import navigation_for
from apps.accounts.roles import Role, roles_of


def navigation(request) -> dict:
    """Navigation entries and role names for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "user_role_labels": []}
    labels = [Role(role).label for role in sorted(roles_of(user))]
    return {"nav_entries": navigation_for(user, request.path), "user_role_labels": labels}
