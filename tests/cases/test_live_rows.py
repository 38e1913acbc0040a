"""Live rows and filters: a queue keeps a published row exactly when its own list query would show
the case. Three things must agree on every case and every filter: the queue's query
(selectors.case_list), the server's match (live_rows.case_matches), and the browser's
(static/js/case-filter.js)."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.http import QueryDict
from django.utils import timezone

from apps.cases.live_rows import case_matches, case_row_facts, live_filter
from apps.cases.models import SEVERITY_RANK, Case
from apps.cases.selectors import CaseFilters, case_list

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "case-filter.js"

QUERIES = [
    "",
    "site=BRU",
    "site=CHI",
    "type=late_receipt",
    "severity=critical",
    "severity=nonsense",
    "status=closed",
    "status=all",
    "status=acknowledged",
    "status=resolved",
    "status=nonsense",
    "owner=me",
    "owner=unassigned",
    "owner=approver_finance",
    "owner=nonsense",
    "q=bolt",
    "q=BOLT",
    "q=S000",
    "q=nothing-like-it",
    "site=BRU&owner=me&status=all",
    "severity=high&q=late&status=closed",
]


@pytest.fixture
def cases(sites, admin_user, supervisor):
    """A case per combination of what the queue filters on."""
    now = timezone.now()
    made = []
    combos = itertools.product(
        [sites["BRU"], sites["CHI"]],
        [("late_receipt", "Receipt IN/1 late: bolts"), ("shortage", "Steel shelf at 0, minimum 4 — WH/Stock")],
        ["critical", "high"],
        [("open", True), ("acknowledged", True), ("resolved", False)],
        [None, admin_user, supervisor],
        ["supervisor", "approver_finance"],
    )
    for number, (site, (kind, title), severity, (status, is_open), assignee, owner) in enumerate(combos):
        made.append(
            Case.objects.create(
                site=site,
                kind=kind,
                dedupe_key=f"live-rows:{number}",
                title=title,
                severity=severity,
                severity_rank=SEVERITY_RANK[severity],
                status=status,
                is_open=is_open,
                assignee=assignee,
                owner_role=owner,
                record_name=f"S{number:05d}",
                opened_at=now,
                last_seen_at=now,
            )
        )
    return made


def test_the_server_match_agrees_with_the_queue_query_for_every_filter(cases, admin_user):
    for query in QUERIES:
        filters = CaseFilters.from_query(QueryDict(query))
        listed = set(case_list(user=admin_user, filters=filters).values_list("pk", flat=True))
        live = live_filter(filters, admin_user.pk)
        matched = {case.pk for case in cases if case_matches(case_row_facts(case), live)}
        assert matched == listed, query
        if query in ("status=all", "status=nonsense"):  # nothing to narrow: every case
            assert len(listed) == len(cases), query
        elif "nothing" in query:
            assert not listed
        else:  # each filter narrows the list, so a match that ignored it would show here
            assert 0 < len(listed) < len(cases), query


def test_the_browser_match_agrees_with_the_server_match(cases, admin_user):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; tests/e2e/test_live_filters.py covers the browser")
    facts = [case_row_facts(case) for case in cases]
    filters = [live_filter(CaseFilters.from_query(QueryDict(query)), admin_user.pk) for query in QUERIES]
    expected = [[case_matches(row, live) for row in facts] for live in filters]
    program = (
        f"const F = require({json.dumps(str(SCRIPT))});"
        f"const facts = {json.dumps(facts)}; const filters = {json.dumps(filters)};"
        "console.log(JSON.stringify(filters.map((live) => facts.map((row) => F.caseMatches(row, live)))));"
    )
    result = subprocess.run([node, "-e", program], capture_output=True, text=True, timeout=30, check=True)
    answers = json.loads(result.stdout)
    for query, server, browser in zip(QUERIES, expected, answers, strict=True):
        assert browser == server, query
