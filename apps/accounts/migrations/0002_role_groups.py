"""Create one group per role, so admins assign roles on the user page."""

from django.db import migrations

ROLE_NAMES = [
    "supervisor",
    "approver_finance",
    "approver_operations",
    "approver_procurement",
    "manager",
    "admin",
    "display",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
