"""Core's periodic job: the retention purge (thin: the service does the work and records it)."""

from celery import shared_task

from apps.core.retention.services import retention_purge

PURGE_TASK = "core.purge_expired"


# A run stops at RETENTION_MAX_ROWS_PER_RUN rows per kind, in short batches: well inside these limits.
@shared_task(name=PURGE_TASK, soft_time_limit=240, time_limit=300)
def purge_expired() -> dict[str, int]:
    """Delete what is past its retention period; rows removed per kind."""
    return {report.kind: report.removed for report in retention_purge()}
