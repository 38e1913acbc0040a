"""Live group names, built in one place: per site, per board, per user.

Channels group names allow ASCII letters, digits, '-', '_' and '.', so site codes are validated
to that alphabet (apps.sites.models.site_code_validator).
"""

from dataclasses import dataclass

SITE = "site"
BOARD = "board"
USER = "user"


@dataclass(frozen=True)
class GroupRef:
    kind: str
    site_code: str | None = None
    board: str | None = None
    user_id: int | None = None


def site_group(site_code: str) -> str:
    return f"{SITE}.{site_code}"


def board_group(site_code: str, board: str) -> str:
    return f"{BOARD}.{site_code}.{board}"


def user_group(user_id: int) -> str:
    return f"{USER}.{user_id}"


def parse_group(name: str) -> GroupRef | None:
    """Read a group name a client asked for; None when it is not one of ours."""
    parts = name.split(".") if isinstance(name, str) and len(name) < 100 else []
    if len(parts) == 2 and parts[0] == SITE and parts[1]:
        return GroupRef(SITE, site_code=parts[1])
    if len(parts) == 3 and parts[0] == BOARD and parts[1] and parts[2]:
        return GroupRef(BOARD, site_code=parts[1], board=parts[2])
    if len(parts) == 2 and parts[0] == USER and parts[1].isascii() and parts[1].isdigit():
        return GroupRef(USER, user_id=int(parts[1]))
    return None
