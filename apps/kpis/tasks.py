from celery import shared_task

from apps.kpis.refresh import day_refresh
from apps.kpis.services import kpi_snapshots_refresh_recent


@shared_task(name="kpis.refresh_day", soft_time_limit=60, time_limit=90)
def refresh_day(site_code: str, day: str, kpis: list[str]) -> int:
    return day_refresh(site_code, day, kpis)


@shared_task(name="kpis.refresh_recent", soft_time_limit=300, time_limit=360, expires=3000)
def refresh_recent() -> int:
    return kpi_snapshots_refresh_recent()
