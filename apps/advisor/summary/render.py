"""The shift summary written from its facts by a template: the local provider's summary.

The facts are plain JSON (apps/advisor/summary/facts.py builds them), so the same facts can be
logged, shown and, where an admin allows it, handed to an external model to rewrite in prose.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.vocabulary import duration_words, severity_text

VERSION = "shift-summary-template-1"


def _local(value: str, zone: str) -> str:
    return date_format(datetime.fromisoformat(value).astimezone(ZoneInfo(zone)), "D j M H:i")


def summary_lines(facts: dict[str, Any]) -> list[str]:
    """One line per part of the summary: heading, exceptions, approvals, docks, changes."""
    site, shift = facts["site"], facts["shift"]
    lines = [
        _("%(shift)s at %(site)s, from %(start)s.")
        % {
            "shift": shift["name"],
            "site": f"{site['name']} ({site['code']})",
            "start": _local(shift["starts"], site["timezone"]),
        }
    ]
    clusters = facts["clusters"]
    if clusters:
        parts = [
            f"{cluster['count']} × {cluster['label']} ({severity_text(cluster['severity'])})"
            for cluster in clusters[:6]
        ]
        more = sum(cluster["count"] for cluster in clusters[6:])
        if more:
            parts.append(ngettext("%(count)d other", "%(count)d others", more) % {"count": more})
        lines.append(
            ngettext("Exceptions: %(count)d open — ", "Exceptions: %(count)d open — ", facts["open_cases"])
            % {"count": facts["open_cases"]}
            + "; ".join(parts)
            + "."
        )
    else:
        lines.append(_("Exceptions: none open."))
    approvals = facts["approvals"]
    if approvals["waiting"]:
        text = ngettext(
            "Approvals: %(count)d waiting, %(late)d past its SLA",
            "Approvals: %(count)d waiting, %(late)d past their SLA",
            approvals["waiting"],
        ) % {"count": approvals["waiting"], "late": approvals["past_sla"]}
        oldest = approvals.get("oldest")
        if oldest:
            text += _("; the oldest, %(title)s, has waited %(age)s") % {
                "title": oldest["title"],
                "age": duration_words(oldest["waiting_s"]),
            }
        lines.append(text + ".")
    else:
        lines.append(_("Approvals: none waiting."))
    docks = facts["docks"]
    if docks["available"]:
        if docks["late"] or docks["overrun"]:
            text = (
                ngettext("Docks: %(late)d truck late", "Docks: %(late)d trucks late", docks["late"])
                % {"late": docks["late"]}
                + ", "
                + ngettext("%(overrun)d over its door time", "%(overrun)d over their door time", docks["overrun"])
                % {"overrun": docks["overrun"]}
            )
            if docks["items"]:
                text += " — " + "; ".join(item["label"] for item in docks["items"][:4])
            lines.append(text + ".")
        else:
            lines.append(_("Docks: no late or at-risk trucks in the next hours."))
    changes = facts["changes"]
    lines.append(
        _("Since the %(previous)s (from %(since)s): %(opened)d exceptions opened, %(closed)d closed.")
        % {
            "previous": changes["previous_shift"],
            "since": _local(changes["since"], site["timezone"]),
            "opened": changes["opened"],
            "closed": changes["closed"],
        }
    )
    return lines


def summary_text(facts: dict[str, Any]) -> str:
    return "\n".join(summary_lines(facts))
