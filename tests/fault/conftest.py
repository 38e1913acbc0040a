"""The fault suite runs on the production path only, and only when asked for (`make fault`,
`pytest -m fault`): it starts real processes and breaks them for minutes."""

import pytest
from django.conf import settings

from apps.core.schedules import ensure_default_schedules
from tests.fault.stack import SCHEDULE_EVERY_S


def pytest_collection_modifyitems(config, items):
    asked = "fault" in (config.option.markexpr or "")
    for item in items:
        if item.get_closest_marker("fault") and not asked:
            item.add_marker(pytest.mark.skip(reason="the fault suite runs on its own: make fault (or pytest -m fault)"))


@pytest.fixture
def production_path():
    """PostgreSQL and a Redis server: what the suite breaks only exists there."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") or settings.EMBEDDED_REDIS:
        pytest.skip("the fault suite needs the production path: set DATABASE_URL (PostgreSQL) and REDIS_URL")


@pytest.fixture
def fast_schedules(db):
    """The default periodic jobs, with the scenario's short intervals; the others switched off."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    ensure_default_schedules()
    for task in PeriodicTask.objects.all():
        every = SCHEDULE_EVERY_S.get(task.task)
        if every is None:
            task.enabled = False
        else:
            task.interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.SECONDS)
        task.save()
