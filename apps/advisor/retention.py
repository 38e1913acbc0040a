"""Retention of the advisors' run logs (apps.core.retention): a run (redacted inputs, prompt, output)
goes after RETENTION_ADVISOR_RUNS_DAYS; its recommendation and the decision on it stay (the link is
set to null), so acceptance rates and the record of who decided what survive."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.advisor.models import AdvisorRun
from apps.core.retention import RetentionKind

ADVISOR_RUNS = RetentionKind(
    code="advisor_runs",
    label=_("Advisor run logs"),
    model=AdvisorRun,
    timestamp_field="created_at",
    finished=Q(),  # a run is a finished computation the moment it is logged
    setting="RETENTION_ADVISOR_RUNS_DAYS",
)
