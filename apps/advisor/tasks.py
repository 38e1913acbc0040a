"""Thin tasks: each advisor over every site where it is enabled (run logs age out through core.purge_expired)."""

from celery import shared_task

from apps.advisor import sweeps


@shared_task(name="advisor.priority", soft_time_limit=240, time_limit=300, expires=600)
def priority() -> int:
    return sweeps.priority_all()


@shared_task(name="advisor.delay_risk_train", soft_time_limit=1200, time_limit=1500, expires=3600)
def delay_risk_train() -> int:
    return sweeps.delay_risk_train_all()


@shared_task(name="advisor.delay_risk_score", soft_time_limit=240, time_limit=300, expires=900)
def delay_risk_score() -> int:
    return sweeps.delay_risk_score_all()


@shared_task(name="advisor.anomalies", soft_time_limit=240, time_limit=300, expires=1800)
def anomalies() -> int:
    return sweeps.anomalies_all()
