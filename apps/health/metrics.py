"""Prometheus metrics: sync lag, outbox backlog, failed webhooks (in and out), stuck approvals, open cases,
what the retention purge removed and what waits past its period.

Every value is read from the database (and the breaker's Redis state) when Prometheus scrapes,
not counted in process memory: web processes, workers and beat are many processes, and what an
operator alerts on ("the outbox is backing up", "Odoo sync is 10 minutes behind") is shared state.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from apps.approvals.models import OPEN_STATUSES, ApprovalRequest
from apps.cases.models import Case
from apps.core.retention.selectors import retention_overview
from apps.mirror.models import InboundEvent
from apps.mirror.selectors import sync_overview
from apps.outbound.selectors import outbound_overview
from apps.writeback.pause import outbox_is_paused
from apps.writeback.selectors import outbox_overview

PREFIX = "controltower"


class ControlTowerCollector(Collector):
    """Reads the current state on each scrape; registered on a registry of its own."""

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | InfoMetricFamily]:
        yield InfoMetricFamily(
            f"{PREFIX}_build", "Version of the running code.", value={"version": settings.APP_VERSION}
        )
        yield from _sync_metrics()
        yield from _outbox_metrics()
        yield from _webhook_metrics()
        yield from _outbound_metrics()
        yield from _approval_metrics()
        yield from _case_metrics()
        yield from _retention_metrics()


def _gauge(name: str, documentation: str, labels: list[str] | None = None, value: float | None = None):
    return GaugeMetricFamily(f"{PREFIX}_{name}", documentation, value=value, labels=labels)


def _sync_metrics():
    overview = sync_overview()
    now = timezone.now()
    lag = _gauge("sync_lag_seconds", "Now minus the newest Odoo write_date the mirror has seen.", ["model"])
    age = _gauge("sync_last_success_age_seconds", "Seconds since the model's last successful sync.", ["model"])
    failures = _gauge("sync_consecutive_failures", "Sync runs failed in a row (0 when the last one worked).", ["model"])
    duration = _gauge("sync_last_duration_seconds", "Duration of the model's last sync run.", ["model"])
    rejected = _gauge("sync_last_rejected_rows", "Rows the last sync could not read and left out.", ["model"])
    for model in overview["models"]:
        labels = [model["model"]]
        if model["lag_s"] is not None:
            lag.add_metric(labels, model["lag_s"])
        if model["last_success_at"] is not None:
            age.add_metric(labels, (now - model["last_success_at"]).total_seconds())
        failures.add_metric(labels, model["consecutive_failures"])
        duration.add_metric(labels, model["last_duration_ms"] / 1000)
        rejected.add_metric(labels, model["last_rejected"])
    yield from (lag, age, failures, duration, rejected)
    breaker = overview["breaker"]
    yield _gauge(
        "odoo_circuit_open",
        "1 while calls to Odoo are cut off by the circuit breaker.",
        value=0 if breaker["state"] == "closed" else 1,
    )


def _outbox_metrics():
    outbox = outbox_overview()
    entries = _gauge("outbox_entries", "Write-back entries by status.", ["status"])
    for status, count in outbox["by_status"].items():
        entries.add_metric([status], count)
    yield entries
    yield _gauge("outbox_backlog", "Write-back entries not yet done (pending or running).", value=outbox["backlog"])
    yield _gauge(
        "outbox_oldest_pending_age_seconds",
        "Age of the oldest write-back entry still waiting (0 when none waits).",
        value=outbox["oldest_pending_age_s"] or 0,
    )
    yield _gauge(
        "outbox_paused",
        "1 while write-back to Odoo is paused (after a restore, until a person resumes it), else 0.",
        value=1 if outbox_is_paused() else 0,
    )


def _webhook_metrics():
    events = _gauge("webhook_events", "Inbound Odoo webhook events by status (dead: failed after retries).", ["status"])
    counts = dict(InboundEvent.objects.values_list("status").annotate(n=Count("id")).order_by())
    for status in InboundEvent.Status.values:
        events.add_metric([status], counts.get(status, 0))
    yield events


def _outbound_metrics():
    overview = outbound_overview()
    deliveries = _gauge("outbound_deliveries", "Outbound deliveries (event webhooks, chat) by state.", ["state"])
    for state, count in overview["by_state"].items():
        deliveries.add_metric([state], count)
    yield deliveries
    yield _gauge(
        "outbound_backlog", "Outbound deliveries not yet sent (pending or sending).", value=overview["backlog"]
    )
    yield _gauge(
        "outbound_failing", "Outbound deliveries waiting to retry after a failed attempt.", value=overview["failing"]
    )
    yield _gauge(
        "outbound_dead", "Outbound deliveries that failed every attempt (dead letters).", value=overview["dead"]
    )
    yield _gauge(
        "outbound_oldest_waiting_age_seconds",
        "Age of the oldest outbound delivery still waiting (0 when none waits).",
        value=overview["oldest_waiting_age_s"] or 0,
    )


def _approval_metrics():
    now = timezone.now()
    waiting = ApprovalRequest.objects.filter(status__in=OPEN_STATUSES)
    pending = _gauge("approvals_waiting", "Approval requests waiting on a decision, by site.", ["site"])
    past_sla = _gauge("approvals_past_sla", "Approval requests waiting past their SLA, by site.", ["site"])
    oldest = _gauge(
        "approvals_oldest_waiting_age_seconds", "Age of the oldest request still waiting, by site.", ["site"]
    )
    rows = waiting.values("site__code").annotate(n=Count("id"), first=Min("created_at")).order_by("site__code")
    late = dict(waiting.filter(due_at__lt=now).values_list("site__code").annotate(n=Count("id")).order_by())
    for row in rows:
        site = row["site__code"]
        pending.add_metric([site], row["n"])
        past_sla.add_metric([site], late.get(site, 0))
        oldest.add_metric([site], (now - row["first"]).total_seconds())
    yield from (pending, past_sla, oldest)


def _case_metrics():
    now = timezone.now()
    open_cases = Case.objects.filter(is_open=True)
    by_severity = _gauge("cases_open", "Open exception cases by site and severity.", ["site", "severity"])
    counts = open_cases.values_list("site__code", "severity").annotate(n=Count("id")).order_by()
    for site, severity, count in counts:
        by_severity.add_metric([site or "", severity], count)
    breached = _gauge("cases_past_sla", "Open exception cases past their SLA, by site.", ["site"])
    late = open_cases.filter(sla_due_at__lt=now).values_list("site__code").annotate(n=Count("id")).order_by()
    for site, count in late:
        breached.add_metric([site or ""], count)
    yield from (by_severity, breached)


def _retention_metrics():
    rows = retention_overview()
    period = _gauge("retention_period_days", "Days finished records of the kind are kept (0: forever).", ["kind"])
    last_run = _gauge(
        "retention_last_run_timestamp_seconds", "When the retention purge last ran for the kind (Unix time).", ["kind"]
    )
    removed_last = _gauge("retention_last_removed", "Rows the kind's last retention purge removed.", ["kind"])
    removed = CounterMetricFamily(
        f"{PREFIX}_retention_removed",
        "Rows of the kind removed by the retention purge since it first ran.",
        labels=["kind"],
    )
    waiting = _gauge(
        "retention_waiting", "Rows of the kind past their retention period after the last purge.", ["kind"]
    )
    for row in rows:
        labels = [row["kind"]]
        period.add_metric(labels, row["period_days"])
        if row["last_run_at"] is not None:
            last_run.add_metric(labels, row["last_run_at"].timestamp())
        removed_last.add_metric(labels, row["last_removed"])
        removed.add_metric(labels, row["total_removed"])
        waiting.add_metric(labels, row["waiting"])
    yield from (period, last_run, removed_last, removed, waiting)


_registry = CollectorRegistry(auto_describe=False)
_registry.register(ControlTowerCollector())


def render_metrics() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    return generate_latest(_registry), CONTENT_TYPE_LATEST
