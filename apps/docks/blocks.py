"""The timeline's appointment blocks, built in Python: a busy site has 1,500 of them a day, and the
template engine took seconds for what string formatting does in milliseconds (tests/perf/bench_docks.py).
The board template (docks/partials/board.html) places each door's blocks as one piece of markup."""

from __future__ import annotations

from datetime import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

from apps.docks.selectors import AppointmentView, ProposalView, TimelineAppointment


def _clock(moment: datetime | None) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}" if moment else ""  # strftime is slower, 3,000 times a page


def appointment_block(item: AppointmentView[TimelineAppointment], *, day_query: str, selected_id: int | None) -> str:
    """One block: a link that selects it, its mark (symbol and word), carrier and local start.
    Escaped with the standard library's html.escape (what Django's escape calls, without its lazy
    wrapper, which costs more than the escaping itself here)."""
    a = item.appointment
    start, end = _clock(item.local_start), _clock(item.local_end)
    label = item.label
    detail = f" · {item.detail}" if item.detail else ""
    selected = " is-selected" if a.id == selected_id else ""
    carrier = escape(a.carrier or "—")
    return (
        f'<a class="tl-appt tone-{label["tone"]} state-{item.state}{selected}" href="?{day_query}selected={a.id}" '
        f'id="appt-{a.id}" data-id="{a.id}" data-left="{item.left_pct}" data-width="{item.width_pct}" '
        f'data-start="{a.planned_start.isoformat()}" data-end="{a.planned_end.isoformat()}" '
        f'title="{start}–{end} {escape(a.label)} · {label["word"]}{escape(detail)}">'
        f'<span class="tl-appt__mark" aria-hidden="true">{label["symbol"]}</span> '
        f'<span class="tl-appt__word">{label["word"]}</span>'
        f'<span class="tl-appt__name">{carrier}</span><span class="tl-appt__time">{start}</span></a>'
    )


def door_blocks(
    items: list[AppointmentView[TimelineAppointment]], *, day_query: str, selected_id: int | None
) -> SafeString:
    """Every block of one door, as one safe piece of markup (each value above is escaped)."""
    return mark_safe("".join(appointment_block(i, day_query=day_query, selected_id=selected_id) for i in items))  # noqa: S308


def proposal_block(item: ProposalView, *, day_query: str, selected_id: int | None) -> str:
    """A proposed appointment: its own style (dashed, hatched) and the word "Proposed", never
    colour alone; selecting it opens the panel with Accept and Dismiss."""
    p = item.proposal
    start, end = _clock(item.local_start), _clock(item.local_end)
    label = item.label
    selected = " is-selected" if p.pk == selected_id else ""
    carrier = escape(p.carrier or "—")
    count = len(p.picking_odoo_ids)
    return (
        f'<a class="tl-appt tl-proposal tone-{label["tone"]} state-proposed{selected}" '
        f'href="?{day_query}proposal={p.pk}" id="proposal-{p.pk}" data-proposal="{p.pk}" '
        f'data-left="{item.left_pct}" data-width="{item.width_pct}" '
        f'title="{start}–{end} {escape(p.label)} · {label["word"]} · {count} picking{"s" if count != 1 else ""}">'
        f'<span class="tl-appt__mark" aria-hidden="true">{label["symbol"]}</span> '
        f'<span class="tl-appt__word">{label["word"]}</span>'
        f'<span class="tl-appt__name">{carrier}</span><span class="tl-appt__time">{start}</span></a>'
    )


def door_proposal_blocks(items: list[ProposalView], *, day_query: str, selected_id: int | None) -> SafeString:
    return mark_safe("".join(proposal_block(i, day_query=day_query, selected_id=selected_id) for i in items))  # noqa: S308
