"""The load run: seed, start the production-shaped stack, drive it with locust, check nothing was lost.

Used by `make load` and `make bench` (tests/perf/bench_load.py, through tests/perf/run.py) and by the
smoke test (tests/perf/load/test_locustfile.py). The stack's processes come from the fault suite's
helpers (tests/fault/stack.py) or the test servers (tests/servers.py); this module only seeds the
data, runs locust as a child process (it patches the standard library with gevent, so never in
this process), reads its figures and the CPU each process used, and checks the ledger.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import secrets
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.test import Client, override_settings
from django.utils import timezone

from apps.accounts.api_tokens import api_token_create
from apps.accounts.display_tokens import display_token_create
from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.approvals.defaults import ensure_default_policies
from apps.approvals.models import ApprovalRequest, RequestStatus, RequestType
from apps.approvals.services.raising import RequestDraft, request_raise
from apps.cases.models import Case
from apps.mirror.models import InboundEvent, Picking
from apps.sites.models import Site
from apps.wall.selectors import board_for
from apps.writeback.models import OutboxEntry
from tests.fault.stack import wait_until
from tests.perf.bench_wall import cpu_seconds
from tests.perf.contention import load_average
from tests.servers import BIN

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PASSWORD = "load-test-password-1"
SITE = "BRU"
DRAIN_TIMEOUT_S = 120.0


@dataclass
class LoadSettings:
    users: int = 50
    spawn_rate: float = 10.0
    warmup_s: float = 10.0
    duration_s: float = 30.0
    cases: int = 300
    accounts: int = 10  # of each kind: supervisors, approvers (one API token each), displays

    @classmethod
    def from_environment(cls, **defaults) -> LoadSettings:
        """LOAD_USERS, LOAD_WARMUP_S, LOAD_DURATION_S, LOAD_SPAWN_RATE override the defaults."""
        chosen = cls(**defaults)
        for name, cast in (("users", int), ("warmup_s", float), ("duration_s", float), ("spawn_rate", float)):
            raw = os.environ.get(f"LOAD_{name.upper()}")
            if raw:
                setattr(chosen, name, cast(raw))
        return chosen

    @property
    def pending(self) -> int:
        """Enough requests that approvers never run dry: 3 of 10 users decide about every 6 s."""
        return max(50, int(self.users * 0.3 * (self.warmup_s + self.duration_s) / 6 * 1.5))


@dataclass
class LoadResult:
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    rps: float
    rate_limited: int
    per_endpoint: list[dict]
    failures_by_reason: dict[str, int]
    cpu_s: dict[str, float]
    window_s: float
    load: str
    ledger: dict = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


# The seeded users sign in by session cookie, API token or display token, never by password: a
# cheap hasher keeps seeding from spending minutes of a loaded machine on PBKDF2 (the server keeps
# its own hashers; it never checks these passwords).
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def seed(sim, settings: LoadSettings, webhook_secret: str, workdir: Path) -> dict:
    """Users, tokens, cases and pending approval requests at BRU; the plan locust reads."""
    ensure_default_policies()
    site, _ = Site.objects.get_or_create(code=SITE, defaults={"name": "Brussels DC", "timezone": "Europe/Brussels"})
    admin = user_upsert(username="load.admin", password=PASSWORD, roles=[Role.ADMIN], sites=[site])
    supervisors, approvers, displays = [], [], []
    for number in range(settings.accounts):
        supervisor = user_upsert(
            username=f"load.supervisor{number}", password=PASSWORD, roles=[Role.SUPERVISOR], sites=[site]
        )
        client = Client()
        client.force_login(supervisor)
        cookie_name = next(iter(client.cookies))
        supervisors.append({"cookie_name": cookie_name, "cookie": client.cookies[cookie_name].value})
        approver = user_upsert(
            username=f"load.approver{number}", password=PASSWORD, roles=[Role.APPROVER_FINANCE], sites=[site]
        )
        token = api_token_create(user=approver, name="load test", scopes=["read", "decide"], created_by=admin)
        approvers.append({"token": token.raw})
        board = board_for(site, None)
        assert board is not None  # a site without boards shows the default floor board
        _token, raw = display_token_create(site=site, board=board.slug, name=f"Load TV {number}", created_by=admin)
        displays.append({"token": raw, "site": SITE, "tiles": list(board.tiles)})
    now = time.time()
    case_ids = [
        Case.objects.create(
            site=site,
            kind="late_receipt",
            dedupe_key=f"load:{now}:{number}",
            title=f"Receipt BRU/IN/{number:05d} is late",
            severity=("low", "medium", "high", "critical")[number % 4],
            severity_rank=number % 4,
            opened_at=timezone.now() - timedelta(minutes=7 * number),
            last_seen_at=timezone.now(),
        ).pk
        for number in range(settings.cases)
    ]
    pickings = sim.call("stock.picking", "search", [], limit=200)
    pending = [_raise(site, pickings[number % len(pickings)], number, now).pk for number in range(settings.pending)]
    return {
        "supervisors": supervisors,
        "approvers": approvers,
        "displays": displays,
        "case_ids": case_ids,
        "pending_requests": pending,
        "webhook_secret": webhook_secret,
        "webhook_targets": [["stock.picking", picking] for picking in pickings],
        "warmup_s": settings.warmup_s,
        "ledger": str(workdir / "ledger.json"),
    }


def _raise(site: Site, picking_id: int, number: int, now: float) -> ApprovalRequest:
    """A credit-hold release that one finance approver decides; approving it posts a note in Odoo."""
    draft = RequestDraft(
        request_type=RequestType.SHIPMENT_RELEASE,
        site=site,
        odoo_model="stock.picking",
        odoo_id=picking_id,
        title=f"Release BRU/OUT/{number:05d} over the credit limit",
        dedupe_key=f"load:{now}:{number}",
        facts={"over_limit_amount": 5000.0, "over_limit_pct": 25.0, "credit_ok": False},
        context={"picking": {"name": f"BRU/OUT/{number:05d}", "state": "assigned"}},
        effect={
            "operation": "post_message",
            "odoo_model": "stock.picking",
            "odoo_id": picking_id,
            "arguments": {"body": f"Released over the credit limit (load test request {number})"},
            "preconditions": {},
            "summary": "Note the release in Odoo",
        },
        raised_by_rule="load_test",
    )
    request = request_raise(draft=draft)
    assert request is not None and request.status == RequestStatus.PENDING, "the seeded request must wait"
    return request


def _machine_busy_seconds() -> float:
    """CPU seconds both cores spent on anything (/proc/stat): the load test's processes, PostgreSQL's
    backends (they come and go, so they are not counted one by one) and whatever else runs here."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def run_locust(host: str, plan: dict, settings: LoadSettings, workdir: Path, processes: dict, redis_cpu) -> LoadResult:
    """Run locust headless against `host`; figures of the measured window (after the warm-up).

    `processes` names the pids whose CPU is counted ({"Daphne": pid, ...}); `redis_cpu` returns the
    Redis server's CPU seconds. Locust's own CPU is what this process's reaped children used; the
    machine's total comes from /proc/stat, so what the named processes did not use is shown too.
    """
    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(plan))
    prefix = workdir / "locust"
    argv = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", host,
        "-u", str(settings.users), "-r", str(settings.spawn_rate),
        "-t", f"{int(settings.warmup_s + settings.duration_s)}s",
        "--csv", str(prefix), "--only-summary", "--exit-code-on-error", "0", "--stop-timeout", "10",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_PLAN": str(plan_path)}
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    snapshot: dict[str, float] = {}
    started_window = threading.Event()

    def take_snapshot() -> None:
        for name, pid in processes.items():
            snapshot[name] = cpu_seconds(pid)
        snapshot["Redis"] = redis_cpu()
        snapshot["machine"] = _machine_busy_seconds()
        times = os.times()
        snapshot["bench process (simulator)"] = times.user + times.system
        snapshot["at"] = time.monotonic()
        started_window.set()

    with (workdir / "locust.log").open("wb") as log:
        locust = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        timer = threading.Timer(settings.warmup_s, take_snapshot)
        timer.start()
        load_before = load_average()
        try:
            code = locust.wait(timeout=settings.warmup_s + settings.duration_s + 120)
        finally:
            timer.cancel()
            if locust.poll() is None:
                locust.kill()
                locust.wait()
    if code != 0:
        raise RuntimeError(f"locust exited with {code}; see {workdir / 'locust.log'}")
    started_window.wait(1)
    ended = time.monotonic()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {name: round(cpu_seconds(pid) - snapshot[name], 1) for name, pid in processes.items()}
    cpu["Redis"] = round(redis_cpu() - snapshot["Redis"], 1)
    times = os.times()
    cpu["bench process (simulator)"] = round(times.user + times.system - snapshot["bench process (simulator)"], 1)
    locust_cpu = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    window_s = ended - snapshot["at"]
    # locust ran during the warm-up too: its share of the measured window, pro rata
    cpu["locust"] = round(locust_cpu * window_s / (window_s + settings.warmup_s), 1)
    machine = _machine_busy_seconds() - snapshot["machine"]
    cpu["everything else (PostgreSQL, other work on the machine)"] = round(max(0.0, machine - sum(cpu.values())), 1)
    cpu["machine, both cores"] = round(machine, 1)
    return _read_results(prefix, plan, cpu, window_s, f"{load_before} → {load_average()}")


def _number(text: str) -> float:
    """A figure of locust's CSV: "N/A" (no request of that kind in the window) reads as 0."""
    try:
        return float(text)
    except ValueError:
        return 0.0


def _read_results(prefix: Path, plan: dict, cpu: dict, window_s: float, load: str) -> LoadResult:
    rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").read_text().splitlines()))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures: dict[str, int] = {}
    failures_path = Path(f"{prefix}_failures.csv")
    if failures_path.exists():
        for row in csv.DictReader(failures_path.read_text().splitlines()):
            reason = f"{row['Name']}: {row['Error']}"
            failures[reason] = failures.get(reason, 0) + int(row["Occurrences"])
    per_endpoint = [
        {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": _number(row["50%"]),
            "p95_ms": _number(row["95%"]),
            "rps": _number(row["Requests/s"]),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    ]
    ledger_path = Path(plan["ledger"])
    ledger = json.loads(ledger_path.read_text()) if ledger_path.exists() else {}
    return LoadResult(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        p50_ms=_number(total["50%"]),
        p95_ms=_number(total["95%"]),
        rps=_number(total["Requests/s"]),
        rate_limited=sum(count for reason, count in failures.items() if "429" in reason),
        per_endpoint=per_endpoint,
        failures_by_reason=failures,
        cpu_s=cpu,
        window_s=window_s,
        load=load,
        ledger=ledger,
    )


@dataclass
class LossCheck:
    events_accepted: int
    events_stored: int
    events_processed: int
    pickings_mirrored: int
    approved: int
    requests_approved: int
    outbox_entries: int
    entries_done: int
    notes_in_odoo: int

    @property
    def lost(self) -> list[str]:
        problems = []
        if self.events_stored != self.events_accepted:
            problems.append(f"{self.events_accepted - self.events_stored} accepted webhook events not stored")
        if self.events_processed != self.events_accepted:
            problems.append(f"{self.events_accepted - self.events_processed} webhook events never refreshed")
        if self.requests_approved != self.approved or self.outbox_entries != self.approved:
            problems.append(
                f"{self.approved} approvals answered 200, {self.requests_approved} approved, "
                f"{self.outbox_entries} outbox entries"
            )
        if self.entries_done != self.approved or self.notes_in_odoo != self.approved:
            problems.append(f"{self.entries_done} entries done, {self.notes_in_odoo} notes in Odoo for {self.approved}")
        return problems


def check_nothing_lost(sim, ledger: dict, plan: dict) -> LossCheck:
    """Every accepted webhook is an event that reached the mirror; every approval is one outbox entry,
    written back to Odoo once (waits for the worker to drain)."""
    events = ledger.get("accepted_events", [])
    approved = ledger.get("approved", [])
    processed = InboundEvent.objects.filter(pk__in=events, status=InboundEvent.Status.PROCESSED)
    entries = OutboxEntry.objects.filter(cause_type="approval_request", cause_id__in=[str(pk) for pk in approved])
    finished = (OutboxEntry.Status.DONE, OutboxEntry.Status.SKIPPED, OutboxEntry.Status.DEAD)
    try:
        wait_until(lambda: processed.count() == len(events), DRAIN_TIMEOUT_S, "every webhook event refreshed", 1)
        wait_until(
            lambda: entries.filter(status__in=finished).count() == len(approved),
            DRAIN_TIMEOUT_S,
            "every approval written back",
            1,
        )
    except AssertionError as exc:
        print(f"  {exc}", flush=True)
    targets = {picking for _model, picking in plan["webhook_targets"]}
    notes = sum(sim.writes("stock.picking", picking, "message_post") for picking in targets)
    return LossCheck(
        events_accepted=len(events),
        events_stored=InboundEvent.objects.filter(pk__in=events).count(),
        events_processed=processed.count(),
        pickings_mirrored=Picking.objects.filter(
            odoo_id__in=InboundEvent.objects.filter(pk__in=events).values("odoo_id")
        ).count(),
        approved=len(approved),
        requests_approved=ApprovalRequest.objects.filter(pk__in=approved, status=RequestStatus.APPROVED).count(),
        outbox_entries=entries.count(),
        entries_done=entries.filter(status=OutboxEntry.Status.DONE).count(),
        notes_in_odoo=notes,
    )


def report(result: LoadResult, check: LossCheck, settings: LoadSettings) -> None:
    print(
        f"  {settings.users} users, {settings.warmup_s:.0f} s warm-up, {result.window_s:.0f} s measured; "
        f"load average {result.load} (1 min/5 min, 2 shared cores)"
    )
    print(
        f"  {result.requests} requests, {result.rps:.1f}/s, p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, "
        f"errors {result.failures} ({result.error_rate:.2%}), 429s {result.rate_limited}"
    )
    for row in sorted(result.per_endpoint, key=lambda row: -row["requests"]):
        print(
            f"    {row['name']:<14} {row['requests']:>6} req {row['rps']:6.1f}/s  p50 {row['p50_ms']:5.0f} ms  "
            f"p95 {row['p95_ms']:5.0f} ms  errors {row['failures']}"
        )
    for reason, count in sorted(result.failures_by_reason.items()):
        print(f"    error: {reason} × {count}")
    cpu = ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.cpu_s.items())
    print(f"  CPU s in the measured window: {cpu}")
    print(
        f"  nothing lost: {check.events_accepted} webhooks accepted, {check.events_stored} stored, "
        f"{check.events_processed} refreshed into the mirror; {check.approved} approvals, "
        f"{check.requests_approved} approved, {check.outbox_entries} outbox entries, {check.entries_done} done, "
        f"{check.notes_in_odoo} notes in Odoo" + (f" — LOST: {'; '.join(check.lost)}" if check.lost else ""),
    )
    print(f"  wall sockets: {result.ledger.get('sockets', {})}", flush=True)


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="ct-load-"))


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)
