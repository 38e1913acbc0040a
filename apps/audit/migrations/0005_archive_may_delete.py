"""On PostgreSQL, let `audit_archive` (and nothing else) delete entries it has exported.

The trigger still refuses every UPDATE, and every DELETE unless the deleting transaction set
`controltower.audit_archive` to 'on' (SET LOCAL, which ends with the transaction). Only
apps.audit.archive does that, after writing the archive file and its anchor.
"""

from django.db import migrations

ALLOW = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('controltower.audit_archive', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
REFUSE = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def allow_archive_delete(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


def refuse_every_delete(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_archive")]
    operations = [migrations.RunPython(allow_archive_delete, refuse_every_delete)]
