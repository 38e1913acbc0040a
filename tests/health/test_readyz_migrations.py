"""/readyz keeps a process out of the load balancer while its migrations are not applied."""

import pytest
from django.db.migrations.recorder import MigrationRecorder

from apps.health import checks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_migration_check():
    checks.forget_migration_check()
    yield
    checks.forget_migration_check()


def test_readyz_answers_503_with_a_reason_while_a_migration_is_pending(client, admin_user):
    # As if the code of a new release started before `migrate` ran: its last migration is not recorded.
    # (The test's transaction rolls the deletion back.)
    MigrationRecorder.Migration.objects.filter(app="writeback", name="0004_outbox_switch").delete()

    anonymous = client.get("/readyz")
    client.force_login(admin_user)
    detailed = client.get("/readyz").json()

    assert anonymous.status_code == 503
    assert anonymous.json()["ready"] is False
    assert anonymous.json()["reason"] == "database migrations are pending"
    assert "writeback.0004_outbox_switch" not in anonymous.content.decode()  # names are for admins
    assert "writeback.0004_outbox_switch" in detailed["checks"]["migrations"]["error"]


def test_readyz_is_ready_once_migrations_are_applied_and_then_stops_looking(client, django_assert_max_num_queries):
    first = client.get("/readyz")
    assert first.status_code == 200 and first.json()["checks"]["migrations"]["ok"] is True
    assert "reason" not in first.json()
    # The "all applied" answer is remembered: a later probe does not read django_migrations again.
    with django_assert_max_num_queries(1):  # the database check's SELECT 1
        again = client.get("/readyz")
    assert again.status_code == 200
