"""Releases of Control Tower and, for each, the last migration of every app at that release.

There are no git tags: this file is the record. The upgrade test (tests/upgrade/test_upgrade.py)
migrates a fresh database to ``PREVIOUS``'s migrations, fills it, migrates to the current head and
checks the screens and the audit chain. When a release ships, add it here with its leaf migrations
(``git show <commit>:apps/<app>/migrations/``, or ``manage.py showmigrations`` on the release) and make
it ``PREVIOUS``; migrations it contains may then be contracted (dropped columns) in the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Release:
    name: str
    commit: str  # the landed commit the release was cut from
    # app label (ct_sites for apps.sites) -> its last migration at the release (apps without migrations then are absent)
    leaf_migrations: dict[str, str] = field(default_factory=dict)

    def targets(self) -> list[tuple[str, str]]:
        return sorted(self.leaf_migrations.items())


RELEASES = [
    Release(
        name="2026.12.0",
        commit="6e867fee71c17bf1bcc89895db70f04a95524913",  # "Merge branch 'outbound'"
        leaf_migrations={
            "accounts": "0005_api_tokens",
            "approvals": "0001_initial",
            "audit": "0003_one_successor_per_entry",
            "cases": "0002_dock_clerk_role_choice",
            "docks": "0003_dock_rules_overrun_grace",
            "escalation": "0002_dock_clerk_role_choice",
            "integrations": "0001_initial",
            "kpis": "0002_hourly_snapshots_and_site_settings",
            "mirror": "0007_sync_settled_until",
            "outbound": "0001_initial",
            "ct_sites": "0002_site_shifts",
            "wall": "0001_initial",
            "writeback": "0002_outbox_effect",
        },
    ),
]

PREVIOUS = RELEASES[-1]  # the release sites run today; the next one must upgrade from it
