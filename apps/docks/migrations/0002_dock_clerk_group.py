"""The dock clerk role's group (roles are groups, apps/accounts/roles.py); created with the app that
uses it, so admins can assign it on the user page."""

from django.db import migrations


def create_dock_clerk_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="dock_clerk")


class Migration(migrations.Migration):
    dependencies = [("docks", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_dock_clerk_group, migrations.RunPython.noop)]
