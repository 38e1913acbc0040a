"""At-least-once delivery where it matters: late acks, a lost worker's task requeued, one task
prefetched at a time, and a broker visibility timeout above the longest task (else Redis would
hand a task that is still running to a second worker)."""

from django.conf import settings

from controltower.celery import app


def longest_hard_limit_s() -> float:
    app.loader.import_default_modules()  # every app's tasks, with their own limits
    limits = [task.time_limit for name, task in app.tasks.items() if not name.startswith("celery.")]
    return max([limit for limit in limits if limit] + [settings.CELERY_TASK_TIME_LIMIT])


def test_a_task_is_acknowledged_only_once_it_ran_and_requeued_when_its_worker_is_lost():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_broker_waits_longer_than_any_task_may_run_before_handing_it_to_another_worker():
    visibility_timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility_timeout > longest_hard_limit_s()
