"""The timeline's appointment blocks, built in Python: a busy site has 1,500 of them a day, and the
template engine took seconds for what string formatting does in milliseconds (tests/perf/bench_docks.py).
The board template (docks/partials/board.html) places each door's blocks as one piece of markup."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.docks.selectors import AppointmentView


def appointment_block(item: AppointmentView, *, day_query: str, selected_id: int | None) -> str:
    """One block: a link that selects it, its mark (symbol and word), carrier and local start."""
    a = item.appointment
    start = item.local_start.strftime("%H:%M") if item.local_start else ""
    end = item.local_end.strftime("%H:%M") if item.local_end else ""
    label = item.label
    detail = f" · {item.detail}" if item.detail else ""
    selected = " is-selected" if a.pk == selected_id else ""
    carrier = escape(a.carrier or "—")
    return (
        f'<a class="tl-appt tone-{label["tone"]} state-{item.state}{selected}" href="?{day_query}selected={a.pk}" '
        f'id="appt-{a.pk}" data-id="{a.pk}" data-left="{item.left_pct}" data-width="{item.width_pct}" '
        f'data-start="{a.planned_start.isoformat()}" data-end="{a.planned_end.isoformat()}" '
        f'title="{start}–{end} {escape(a.label)} · {label["word"]}{escape(detail)}">'
        f'<span class="tl-appt__mark" aria-hidden="true">{label["symbol"]}</span> '
        f'<span class="tl-appt__word">{label["word"]}</span>'
        f'<span class="tl-appt__name">{carrier}</span><span class="tl-appt__time">{start}</span></a>'
    )


def door_blocks(items: list[AppointmentView], *, day_query: str, selected_id: int | None) -> SafeString:
    """Every block of one door, as one safe piece of markup (each value above is escaped)."""
    return mark_safe("".join(appointment_block(i, day_query=day_query, selected_id=selected_id) for i in items))  # noqa: S308
