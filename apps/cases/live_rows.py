"""Which live rows a filtered exception queue takes.

Every case change is published once to the site's screens with the facts its row is filtered on
(`case_row_facts`). Each open queue keeps only the rows that match its own filters: the browser
runs `caseMatches` (static/js/case-filter.js) on the filter object the page was rendered with
(`live_filter`), and that function mirrors `case_matches` here, which in turn agrees with the
queue's query (`selectors.case_list`). tests/cases/test_live_rows.py holds the three to the same
answers, so a queue filtered by a search, "owner = me" or "status = closed" never receives
unrelated new rows, and an unfiltered one receives them all.
"""

from __future__ import annotations

from typing import Any

from apps.accounts.roles import Role
from apps.cases.models import Case, Severity, Status
from apps.cases.selectors import CaseFilters

#: status filters that are not one status: open ones, closed ones, or any
STATUS_GROUPS = ("active", "closed")
#: owner filters that are not a role
OWNER_SPECIALS = ("me", "unassigned")


def case_row_facts(case: Case) -> dict[str, Any]:
    """What a published row carries so each screen can tell whether it belongs in its list."""
    return {
        "case": case.pk,
        "site": case.site.code if case.site else "",
        "kind": case.kind,
        "status": case.status,
        "severity": case.severity,
        "owner_role": case.owner_role,
        "assignee": case.assignee_id,
        "priority": case.priority_score,
        "is_open": case.is_open,
        "title": case.title,
        "record_name": case.record_name,
    }


def live_filter(filters: CaseFilters, user_id: int | None) -> dict[str, Any]:
    """The queue's filters as the browser applies them, reduced to what case_list acts on (a value
    case_list ignores, such as an unknown severity, filters nothing here either)."""
    status = filters.status
    if status not in STATUS_GROUPS and status not in Status.values:
        status = ""  # "all", or a value case_list does not filter on
    owner = filters.owner if filters.owner in OWNER_SPECIALS or filters.owner in Role.values else ""
    return {
        "site": filters.site,
        "kind": filters.kind,
        "severity": filters.severity if filters.severity in Severity.values else "",
        "status": status,
        "owner": owner,
        "q": filters.q.lower(),
        "user": user_id,
    }


def case_matches(facts: dict[str, Any], live: dict[str, Any]) -> bool:
    """Whether a published row belongs in a queue with these filters (the same as case_list would say)."""
    if live["site"] and facts["site"] != live["site"]:
        return False
    if live["kind"] and facts["kind"] != live["kind"]:
        return False
    if live["severity"] and facts["severity"] != live["severity"]:
        return False
    status = live["status"]
    if status == "active" and not facts["is_open"]:
        return False
    if status == "closed" and facts["is_open"]:
        return False
    if status and status not in STATUS_GROUPS and facts["status"] != status:
        return False
    owner = live["owner"]
    if owner == "me" and (live["user"] is None or facts["assignee"] != live["user"]):
        return False
    if owner == "unassigned" and facts["assignee"] is not None:
        return False
    if owner and owner not in OWNER_SPECIALS and facts["owner_role"] != owner:
        return False
    if live["q"]:
        needle = live["q"]
        if needle not in (facts["title"] or "").lower() and needle not in (facts["record_name"] or "").lower():
            return False
    return True
