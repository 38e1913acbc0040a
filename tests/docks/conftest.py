"""Dock fixtures: doors at Brussels and Chicago, a dock clerk, and an appointment factory."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.docks.models import Appointment, DockDoor
from tests.conftest import PASSWORD


@pytest.fixture
def mid_morning(sites):
    """The dock screens show the site's local day around "now": pin the clock to 11:00 in Brussels
    on the fixtures' day, so appointments hours before and after now fall on that day whenever the
    suite runs (the clock keeps ticking from there)."""
    with time_machine.travel(at("2026-12-02", "11:00", sites["BRU"].tzinfo), tick=True):
        yield


@pytest.fixture
def clerk(sites):
    return user_upsert(username="cleo.clerk", password=PASSWORD, roles=[Role.DOCK_CLERK], sites=[sites["BRU"]])


@pytest.fixture
def doors(sites):
    """Brussels: D1 inbound 06:00–22:00, D2 both ways with a reefer plug around the clock, D3
    outbound overnight 22:00–06:00. Chicago: one door."""
    bru = sites["BRU"]
    return {
        "D1": DockDoor.objects.create(
            site=bru, name="D1", direction="inbound", opens_at=time(6), closes_at=time(22), position=1
        ),
        "D2": DockDoor.objects.create(site=bru, name="D2", direction="both", capabilities=["reefer"], position=2),
        "D3": DockDoor.objects.create(
            site=bru, name="D3", direction="outbound", opens_at=time(22), closes_at=time(6), position=3
        ),
        "C1": DockDoor.objects.create(site=sites["CHI"], name="C1", direction="both"),
    }


def at(day: str, clock: str, tz) -> datetime:
    """A wall-clock time at a site: at("2026-12-02", "10:30", site.tzinfo)."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=tz)


@pytest.fixture
def make_appointment(doors):
    def make(door: str = "D2", start: datetime | None = None, minutes: int = 60, **fields) -> Appointment:
        door_obj = doors[door]
        start = start or at("2026-12-02", "10:00", door_obj.site.tzinfo)
        fields.setdefault("direction", "inbound" if door_obj.direction != "outbound" else "outbound")
        return Appointment.objects.create(
            site=door_obj.site,
            door=door_obj,
            planned_start=start,
            planned_end=start + timedelta(minutes=minutes),
            **fields,
        )

    return make


@pytest.fixture
def scheduled_writes(simulator, monkeypatch):
    """Every write of a scheduled date that reaches the simulator, as (picking id, date)."""
    seen: list[tuple[int, str]] = []
    original = simulator.sim.execute

    def execute(uid, model, method, args, kwargs):
        if (model, method) == ("stock.picking", "write") and "scheduled_date" in (args[1] if len(args) > 1 else {}):
            seen.extend((picking_id, args[1]["scheduled_date"]) for picking_id in args[0])
        return original(uid, model, method, args, kwargs)

    monkeypatch.setattr(simulator.sim, "execute", execute)
    return seen


def open_pickings(simulator, count: int) -> list[int]:
    rows = simulator.call("stock.picking", "search_read", [("state", "=", "assigned")], ["id"], limit=count)
    return [row["id"] for row in rows]
