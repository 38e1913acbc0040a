"""The dock rules on hand-made days: the expected slots and conflicts are worked out by hand in
each test (Brussels, UTC+1 in December; clocks go back on 25 October 2026 at 03:00)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from apps.docks import rules

BRU = zoneinfo.ZoneInfo("Europe/Brussels")


def local(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BRU)


def door(
    id_: int, name: str, direction: str = "both", caps=(), opens=None, closes=None, closures=()
) -> rules.DoorFacts:
    return rules.DoorFacts(id_, name, direction, frozenset(caps), opens, closes, BRU, tuple(closures))


DAY = "2026-12-02"
A = door(1, "A", "inbound", opens=time(8), closes=time(18))
B = door(2, "B", "both", caps=["reefer"])
C = door(3, "C", "outbound", opens=time(22), closes=time(6))
# The morning: A is booked 08:00–10:00, B 08:00–09:00.
MORNING = [
    rules.Booking(11, 1, local(DAY, "08:00"), local(DAY, "10:00")),
    rules.Booking(12, 2, local(DAY, "08:00"), local(DAY, "09:00")),
]


def slot(**kwargs) -> tuple[str, datetime] | None:
    found = rules.find_slot(**{"doors": [A, B, C], "bookings": MORNING, "minutes": 60, "direction": "inbound",
                               "needs": (), "after": local(DAY, "08:05"), **kwargs})  # fmt: skip
    return (found.door.name, found.start) if found else None


def test_the_first_free_door_and_time_on_the_grid():
    # 08:05 → first grid point 08:15; A is busy until 10:00 and B until 09:00: B at 09:00.
    assert slot() == ("B", local(DAY, "09:00"))


def test_a_closed_period_and_a_missing_capability_push_the_slot():
    b_out = door(2, "B", "both", caps=["reefer"], closures=[(local(DAY, "09:00"), local(DAY, "11:00"))])
    # B out of service 09:00–11:00, so A at 10:00 comes first …
    assert slot(doors=[A, b_out, C]) == ("A", local(DAY, "10:00"))
    # … unless the load needs a reefer plug: only B has one, free again at 11:00.
    assert slot(doors=[A, b_out, C], needs=["reefer"]) == ("B", local(DAY, "11:00"))


def test_outbound_loads_only_go_to_doors_that_face_out_and_are_open():
    # A is inbound only; B is free from 09:00; C (outbound) opens only at 22:00.
    assert slot(direction="outbound") == ("B", local(DAY, "09:00"))
    assert slot(direction="outbound", doors=[A, C]) == ("C", local(DAY, "22:00"))


def test_a_load_longer_than_the_opening_never_fits_that_door():
    # A is open ten hours a day: an eleven-hour load finds B, never A.
    assert slot(minutes=11 * 60, doors=[A, B], bookings=[]) == ("B", local(DAY, "08:15"))
    assert slot(minutes=11 * 60, doors=[A], bookings=[]) is None


def test_every_kind_of_conflict_is_named():
    found = rules.conflicts_for(
        door=A, start=local(DAY, "17:30"), end=local(DAY, "18:30"), direction="outbound", needs=["reefer"],
        minutes_needed=90, others=[rules.Booking(13, 1, local(DAY, "17:00"), local(DAY, "17:45"))],
    )  # fmt: skip
    assert [c.code for c in found] == ["closed", "overlap", "too_short", "capability", "direction"]
    clean = rules.conflicts_for(
        door=A, start=local(DAY, "10:00"), end=local(DAY, "11:00"), direction="inbound", needs=[],
        minutes_needed=60, others=MORNING,
    )  # fmt: skip
    assert clean == []  # touching the 08:00–10:00 booking end to start is no overlap


def test_overlaps_are_found_per_door_in_one_sweep():
    bookings = [
        *MORNING,
        rules.Booking(14, 1, local(DAY, "09:30"), local(DAY, "10:30")),  # overlaps 11 on A
        rules.Booking(15, 2, local(DAY, "09:00"), local(DAY, "10:00")),  # follows 12 on B: fine
        rules.Booking(16, 1, local(DAY, "07:00"), local(DAY, "12:00")),  # covers both on A
    ]
    assert rules.overlapping_ids(bookings) == {11, 14, 16}


def test_a_night_shift_across_the_autumn_clock_change_is_nine_hours():
    # C opens 22:00 on Saturday 24 October and closes 06:00 on Sunday; clocks go back at 03:00.
    intervals = rules.open_intervals(C, local("2026-10-24", "23:00"), local("2026-10-25", "01:00"))
    opens, closes = next((o, c) for o, c in intervals if o <= local("2026-10-24", "23:00") < c)
    assert opens == datetime(2026, 10, 24, 20, 0, tzinfo=UTC)  # 22:00 CEST
    assert closes == datetime(2026, 10, 25, 5, 0, tzinfo=UTC)  # 06:00 CET
    assert closes - opens == timedelta(hours=9)
    # So an 8½-hour outbound load fits that night, but not the night before (8 hours).
    night = rules.find_slot(doors=[C], bookings=[], minutes=510, direction="outbound", needs=(),
                            after=local("2026-10-23", "12:00"))  # fmt: skip
    assert night is not None and night.start == local("2026-10-24", "22:00")


def test_a_spring_night_is_seven_hours():
    intervals = rules.open_intervals(C, local("2026-03-28", "23:00"), local("2026-03-29", "01:00"))
    opens, closes = intervals[-1] if len(intervals) == 1 else intervals[1]
    assert (opens, closes) == (datetime(2026, 3, 28, 21, 0, tzinfo=UTC), datetime(2026, 3, 29, 4, 0, tzinfo=UTC))


def test_load_duration_from_the_lines():
    assert rules.required_minutes(load_lines=0, base_minutes=20, minutes_per_line=rules.DEFAULT_MINUTES_PER_LINE) == 20
    assert rules.required_minutes(load_lines=7, base_minutes=20, minutes_per_line=rules.Decimal("1.5")) == 31


def test_load_duration_adds_minutes_per_unit():
    # 20 + 3 lines × 2 + 45 units × 0.1 = 30.5 → 31 min
    assert rules.required_minutes(load_lines=3, base_minutes=20, minutes_per_line=Decimal(2),
                                  quantity=Decimal(45), minutes_per_unit=Decimal("0.1")) == 31  # fmt: skip


def test_which_reschedules_wait_for_an_approval():
    tz = zoneinfo.ZoneInfo("Europe/Brussels")
    ten = datetime(2026, 12, 2, 10, 0, tzinfo=tz)

    def asks(after, *, asks=True, after_min=60, across_days=False):
        return rules.reschedule_needs_approval(
            before=ten, after=after, tz=tz, asks=asks, after_min=after_min, across_days=across_days
        )

    assert not asks(ten + timedelta(hours=5), asks=False)  # the site does not ask
    assert not asks(ten + timedelta(minutes=60))  # exactly the limit: not more than it
    assert asks(ten + timedelta(minutes=61)) and asks(ten - timedelta(minutes=61))  # either way
    assert asks(ten + timedelta(minutes=1), after_min=0)  # 0: any shift
    assert not asks(ten, after_min=0)  # no shift, nothing to approve
    # 23:30 local the night before is another day: only asks with across_days, however short.
    late_evening = datetime(2026, 12, 2, 23, 30, tzinfo=tz)
    assert not rules.reschedule_needs_approval(
        before=late_evening, after=late_evening + timedelta(minutes=45), tz=tz, asks=True, after_min=60,
        across_days=False,
    )  # fmt: skip
    assert rules.reschedule_needs_approval(
        before=late_evening, after=late_evening + timedelta(minutes=45), tz=tz, asks=True, after_min=60,
        across_days=True,
    )  # fmt: skip
