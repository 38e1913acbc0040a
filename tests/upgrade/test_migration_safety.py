"""Every migration of ours is safe to apply while the previous release still serves (expand, then
contract a release later) and holds no long lock on a big table; see tests/upgrade/migration_safety.py
for the rules. A migration that breaks a rule fails here: write it the safe way (docs/operations.md,
"Upgrades"), or, when there is no safe way, add it below with the reason and what operators must do.
"""

import pytest
from django.db import connection, migrations, models

from tests.upgrade.migration_safety import RULES, scan_operations, scan_sql

# Migrations that shipped before this test existed and break a rule. They stay: a database that
# applied them cannot un-apply them. Nothing new goes here without a comment saying why it is safe
# enough and what an operator has to do (a maintenance window, a release note).
ALLOWED = {
    # Added NOT NULL columns with a Python default only (Django drops the database default again):
    # a previous-release process inserting into these tables fails until it is replaced. Small
    # settings tables, written by admins: roll the web processes right after `migrate`.
    ("mirror.0003_volatile_credit_and_cost", "not-null-column"),  # written by the sync only (workers)
    ("mirror.0005_sync_rejected_rows", "not-null-column"),  # sync state, one row per Odoo model
    ("docks.0003_dock_rules_overrun_grace", "not-null-column"),
    ("docks.0004_planning_proposals_and_reschedule_approval", "not-null-column"),
    ("escalation.0003_rotations_holidays_repeat_quiet_approval_policies", "not-null-column"),
    # Dropped a column in the release whose code stopped reading it (should have waited a release):
    # previous-release processes reading these rows fail until replaced.
    ("mirror.0002_drop_non_stored_expected_date", "contract"),
    ("approvals.0002_escalate_to_role_moved_to_policies", "contract"),
    ("cases.0003_escalation_step_moved_to_policies", "contract"),
    # The audit chain's unique predecessor: built in place on the audit table (shipped while the
    # table was small). Sites upgrading from before it with a large audit log: plan a short window.
    ("audit.0003_one_successor_per_entry", "index-on-big-table"),
    ("audit.0003_one_successor_per_entry", "rewrite-sql"),
    # varchar -> text is binary-coercible in PostgreSQL (no rewrite, a brief lock), but Django
    # rebuilds mirror_product.default_code's pattern index in place.
    ("mirror.0004_free_text_without_length_limit", "rewrite-sql"),
}


def unexpected(findings) -> list[str]:
    return [
        f"{finding} ({RULES[finding.rule]})" for finding in findings if (finding.migration, finding.rule) not in ALLOWED
    ]


def test_no_migration_is_unsafe_for_a_rolling_upgrade():
    assert unexpected(scan_operations()) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sqlmigrate-level SQL is PostgreSQL's (CI runs it)")
def test_no_migration_sql_rewrites_or_locks_a_big_table(db):
    assert unexpected(scan_sql()) == []


def test_every_allowed_migration_still_breaks_its_rule():
    """An entry nothing matches any more is dead weight that could hide a new migration's name."""
    found = {(finding.migration, finding.rule) for finding in scan_operations()}
    sql_only = {key for key in ALLOWED if key[1] == "rewrite-sql"}
    assert ALLOWED - sql_only <= found


def new_migration(*operations) -> migrations.Migration:
    migration = migrations.Migration("9999_new", "mirror")
    migration.operations = list(operations)
    return migration


@pytest.mark.parametrize(
    ("operation", "rule"),
    [
        (migrations.AddField("picking", "wave", models.CharField(max_length=20, default="")), "not-null-column"),
        (migrations.RemoveField("picking", "origin"), "contract"),
        (migrations.RenameField("picking", "origin", "source_document"), "contract"),
        (migrations.DeleteModel("orderpoint"), "contract"),
        (migrations.AlterField("picking", "origin", models.IntegerField(default=0)), "type-change"),
        (
            migrations.AddIndex("picking", models.Index(fields=["origin"], name="picking_origin_idx")),
            "index-on-big-table",
        ),
        (
            migrations.RunSQL(
                'ALTER TABLE "mirror_picking" ALTER COLUMN "odoo_id" TYPE bigint', migrations.RunSQL.noop
            ),
            "rewrite-sql",
        ),
        (migrations.RunSQL('CREATE INDEX picking_x ON "mirror_picking" (name)', migrations.RunSQL.noop), "rewrite-sql"),
    ],
)
def test_a_new_unsafe_migration_fails(operation, rule):
    findings = scan_operations(extra=[new_migration(operation)])
    assert [f.rule for f in findings if f.migration == "mirror.9999_new"] == [rule]


def test_the_safe_forms_pass():
    from django.contrib.postgres.operations import AddIndexConcurrently

    safe = new_migration(
        migrations.AddField("picking", "wave", models.CharField(max_length=20, null=True, blank=True)),
        migrations.AddField("picking", "priority_rank", models.IntegerField(db_default=0)),
        AddIndexConcurrently("picking", models.Index(fields=["origin"], name="picking_origin_idx")),
        migrations.RunSQL('CREATE INDEX CONCURRENTLY picking_y ON "mirror_picking" (name)', migrations.RunSQL.noop),
        migrations.CreateModel(
            "Wave", [("id", models.BigAutoField(primary_key=True)), ("code", models.CharField(max_length=9))]
        ),
        migrations.AddIndex("wave", models.Index(fields=["code"], name="wave_code_idx")),  # a new, empty table
    )
    assert [str(f) for f in scan_operations(extra=[safe]) if f.migration == "mirror.9999_new"] == []
