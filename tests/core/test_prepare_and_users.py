"""From nothing to running: prepare_instance and user_upsert, as a new user would run them."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_celery_beat.models import PeriodicTask

from apps.accounts.roles import Role, roles_of
from apps.approvals.models import ApprovalPolicy
from apps.sites.models import Site

pytestmark = pytest.mark.django_db


def test_prepare_instance_makes_a_database_ready_and_is_safe_to_repeat(tmp_path):
    secret = tmp_path / "admin-password"
    secret.write_text("s3cret-enough-Passw0rd\n")
    out = io.StringIO()
    call_command("prepare_instance", "--admin-username", "olga", "--admin-password-file", str(secret), stdout=out)
    assert PeriodicTask.objects.exists()
    assert ApprovalPolicy.objects.exists()
    olga = get_user_model().objects.get(username="olga")
    assert Role.ADMIN in roles_of(olga) and olga.check_password("s3cret-enough-Passw0rd")
    assert "admin 'olga' created" in out.getvalue()

    policies, tasks = ApprovalPolicy.objects.count(), PeriodicTask.objects.count()
    again = io.StringIO()
    call_command("prepare_instance", "--no-input", stdout=again)
    assert "an admin already exists (olga); none created" in again.getvalue()
    assert (ApprovalPolicy.objects.count(), PeriodicTask.objects.count()) == (policies, tasks)


def test_prepare_instance_without_an_admin_says_what_to_pass():
    with pytest.raises(CommandError, match="--admin-password-file"):
        call_command("prepare_instance", "--no-input", stdout=io.StringIO())


def test_user_upsert_creates_then_updates_roles_and_sites(sites):
    out = io.StringIO()
    call_command(
        "user_upsert",
        "--username",
        "sam",
        "--password",
        "a-long-password-1",
        "--role",
        "supervisor",
        "--site",
        "BRU",
        stdout=out,
    )
    sam = get_user_model().objects.get(username="sam")
    assert roles_of(sam) == {Role.SUPERVISOR} and list(sam.sites.values_list("code", flat=True)) == ["BRU"]
    assert "sam: Shift supervisor; sites: BRU" in out.getvalue()

    call_command(
        "user_upsert",
        "--username",
        "sam",
        "--role",
        "supervisor",
        "--role",
        "manager",
        "--site",
        "BRU",
        "--site",
        "CHI",
        stdout=(out := io.StringIO()),
    )
    sam = get_user_model().objects.get(username="sam")
    sam.__dict__.pop("_ct_roles", None)
    assert roles_of(sam) == {Role.SUPERVISOR, Role.MANAGER}
    assert sorted(sam.sites.values_list("code", flat=True)) == ["BRU", "CHI"]
    assert "password: " in out.getvalue()  # none given: one generated and shown once


def test_user_upsert_refuses_unknown_sites_and_lists_the_known_ones(sites):
    with pytest.raises(CommandError, match=r"No site with code XYZ\. Sites: BRU, CHI\."):
        call_command(
            "user_upsert", "--username", "x", "--password", "p-123456789", "--role", "manager", "--site", "XYZ"
        )
    assert not Site.objects.filter(code="XYZ").exists()
