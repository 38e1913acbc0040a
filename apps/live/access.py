"""Who may listen to which live group. The consumer asks here for every subscription."""

from apps.accounts.selectors import user_can_see_site
from apps.live.groups import BOARD, SITE, USER, parse_group


def can_subscribe(user, group_name: str) -> bool:
    """True when this user may receive the group's messages. Never trusts the client's claims."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    ref = parse_group(group_name)
    if ref is None:
        return False
    if ref.kind in (SITE, BOARD):
        return ref.site_code is not None and user_can_see_site(user, ref.site_code)
    if ref.kind == USER:
        return ref.user_id == user.pk
    return False
