"""`make demo`'s users: seed_demo creates one per role, prints them and keeps their passwords."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_the_users_and_keeps_their_passwords_for_the_next_run(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    printed = capsys.readouterr().out
    credentials = json.loads((tmp_path / "demo-users.json").read_text())

    assert {credential["role"] for credential in credentials} >= {"Shift supervisor", "Manager", "Administrator"}
    for credential in credentials:
        assert credential["username"] in printed and credential["password"] in printed
        user = get_user_model().objects.get(username=credential["username"])
        assert user.is_active and user.check_password(credential["password"])

    call_command("seed_demo")
    assert json.loads((tmp_path / "demo-users.json").read_text()) == credentials
