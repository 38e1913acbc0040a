"""Default periodic jobs. Beat reads them from the database (django-celery-beat), so admins can
change an interval in the admin; ensure_default_schedules() only creates what is missing."""

from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask


def default_schedules() -> list[dict]:
    return [
        {"name": "Live pulse to screens", "task": "live.publish_pulse", "every_s": settings.LIVE_HEARTBEAT_S},
        {"name": "Wall tiles follow the clock", "task": "wall.refresh_all", "every_s": 30},
        {"name": "Sync from Odoo", "task": "mirror.sync_all", "every_s": settings.MIRROR_SYNC_EVERY_S},
        {"name": "Approval SLA sweep", "task": "approvals.sla_sweep", "every_s": 60},
        # a count whose change set was lost (Redis restart, database away) still gets its request
        {"name": "Counts waiting on a decision", "task": "approvals.recheck_counts", "every_s": 60},
        {"name": "Reconcile with Odoo", "task": "mirror.reconcile_all", "every_s": settings.MIRROR_RECONCILE_EVERY_S},
        {
            "name": "Refresh receivables and costs",
            "task": "mirror.refresh_volatile",
            "every_s": settings.MIRROR_VOLATILE_EVERY_S,
        },
        {"name": "Exception detectors sweep", "task": "cases.sweep", "every_s": 30},
        {"name": "Write-back outbox sweep", "task": "writeback.sweep", "every_s": 30},
        # cheap while nothing waits (one query); when entries wait, one probe of Odoo
        {"name": "Write-back after an Odoo outage", "task": "writeback.recover", "every_s": 3},
        {"name": "KPI snapshots of today and yesterday", "task": "kpis.refresh_recent", "every_s": 900},
        {"name": "Escalation sweep", "task": "escalation.sweep", "every_s": 30},
        {"name": "Dock no-show sweep", "task": "docks.no_show_sweep", "every_s": 60},
        # retries whose time has come and dispatches lost on the way to the worker (one query when none)
        {"name": "Outbound delivery sweep", "task": "outbound.sweep", "every_s": 15},
        {"name": "Webhook: sync stall watch", "task": "integrations.sync_watch", "every_s": 60},
        {"name": "Dock planning proposals", "task": "docks.proposals_refresh", "every_s": 300},
        # finished records past their RETENTION_*_DAYS, in short batches (docs/retention.md)
        {"name": "Retention purge", "task": "core.purge_expired", "every_s": settings.RETENTION_PURGE_EVERY_S},
        # advisors (issue 22): rankings follow the clock, models learn nightly, anomalies hourly
        {"name": "Advisor: priority ranking", "task": "advisor.priority", "every_s": 300},
        {"name": "Advisor: delay-risk training", "task": "advisor.delay_risk_train", "every_s": 86400},
        {"name": "Advisor: delay-risk scores", "task": "advisor.delay_risk_score", "every_s": 900},
        {"name": "Advisor: anomaly scan", "task": "advisor.anomalies", "every_s": 3600},
        # each site's summary at its shift start (written once; a check per site when none is due)
        {"name": "Shift-start summaries", "task": "advisor.shift_summaries", "every_s": 60},
    ]


def ensure_default_schedules() -> list[str]:
    """Create each default periodic task that does not exist yet; return the names created."""
    created = []
    for spec in default_schedules():
        if PeriodicTask.objects.filter(name=spec["name"]).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(every=spec["every_s"], period=IntervalSchedule.SECONDS)
        PeriodicTask.objects.create(name=spec["name"], task=spec["task"], interval=interval)
        created.append(spec["name"])
    return created
