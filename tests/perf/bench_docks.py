"""Dock timeline benchmark (issue 18): the board of a site with 40 doors and 1,500 appointments in
the day, rendered by the server (selector + template) as a supervisor opens or refreshes it.
Server time only: Django's test client in-process, no network and no browser."""

import statistics
import time
from datetime import datetime, timedelta

from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.docks.models import Appointment, AppointmentStatus, DockDoor
from apps.sites.models import Site

DOORS = 40
APPOINTMENTS = 1500
REQUESTS = 40
SITE = "DOCKB"


def _fill() -> Site:
    site, _ = Site.objects.get_or_create(code=SITE, defaults={"name": "Dock bench DC", "timezone": "Europe/Brussels"})
    Appointment.objects.filter(site=site).delete()
    DockDoor.objects.filter(site=site).delete()
    doors = DockDoor.objects.bulk_create(
        [DockDoor(site=site, name=f"D{n:02d}", direction="both", position=n) for n in range(1, DOORS + 1)]
    )
    now = timezone.now()
    local_midnight = datetime.combine(now.astimezone(site.tzinfo).date(), datetime.min.time(), tzinfo=site.tzinfo)
    per_door = APPOINTMENTS // DOORS + 1
    slot = timedelta(hours=24) / per_door
    rows = []
    for index in range(APPOINTMENTS):
        door = doors[index % DOORS]
        start = local_midnight + slot * (index // DOORS)
        done = start + slot < now
        rows.append(
            Appointment(
                site=site, door=door, direction="inbound", carrier=f"Carrier {index % 17}", reference=f"R{index}",
                planned_start=start, planned_end=start + slot * 0.9,
                status=AppointmentStatus.DONE if done else AppointmentStatus.PLANNED,
                arrived_at=start if done else None, on_door_at=start if done else None,
                off_door_at=start + slot * 0.8 if done else None,
            )
        )  # fmt: skip
    Appointment.objects.bulk_create(rows, batch_size=500)
    return site


def run() -> dict:
    site = _fill()
    user = user_upsert(username="dock.bench", password="bench-password-1", roles=[Role.SUPERVISOR], sites=[site])
    client = Client()
    client.force_login(user)
    url = f"/docks/{SITE}/board/"
    assert client.get(url).status_code == 200  # warm-up (templates, connections)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    p95 = statistics.quantiles(timings, n=20)[-1]
    p50 = statistics.median(timings)
    print(f"dock timeline: {APPOINTMENTS} appointments on {DOORS} doors, p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    return {"dock_timeline_p95_ms": {"value": round(p95, 1), "unit": "ms", "goal": 150}}
