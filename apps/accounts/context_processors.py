from apps.accounts.navigation import navigation_for
from apps.accounts.roles import Role, roles_of


def navigation(request) -> dict:
    """Navigation entries and role names for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "nav_settings": [], "user_role_labels": []}
    labels = [Role(role).label for role in sorted(roles_of(user))]
    entries = navigation_for(user, request.path)
    return {
        "nav_entries": entries,
        "nav_settings": [entry for entry in entries if entry["setting"]],
        "nav_settings_active": any(entry["active"] for entry in entries if entry["setting"]),
        "user_role_labels": labels,
    }
