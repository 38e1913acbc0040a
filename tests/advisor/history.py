"""Generated transfer history in which lateness depends on stated features plus noise: the carrier (deliveries)
or the supplier (receipts), the weekday and the day's load. Used by the delay-risk tests and the bench."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from apps.advisor.delay_risk import Transfer

CARRIERS = {"DHL Express": -0.9, "UPS Ground": 0.0, "Regional Freight": 1.2, "Cargo Slow": 1.8}
SUPPLIERS = {str(100 + n): effect for n, effect in enumerate([-1.2, -0.6, 0.0, 0.3, 0.8, 1.4, -0.3, 0.5])}
WEEKDAY = [0.6, 0.0, -0.2, 0.0, 0.7, 0.9, 1.1]  # Monday after the weekend, Friday rush, weekends short-staffed
START = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday


def generate(*, weeks: int = 16, seed: int = 7, per_day: tuple[int, int] = (8, 30)) -> list[Transfer]:
    """Transfers in scheduled order over `weeks` weeks; `late` drawn from the stated logistic model."""
    rng = random.Random(seed)
    transfers: list[Transfer] = []
    number = 0
    for day in range(weeks * 7):
        date = START + timedelta(days=day)
        weekday = date.weekday()
        for direction, partners in (("outgoing", CARRIERS), ("incoming", SUPPLIERS)):
            load = rng.randint(*per_day)
            for slot in range(load):
                number += 1
                partner = rng.choice(list(partners))
                logit = -1.6 + partners[partner] + WEEKDAY[weekday] + 0.06 * (load - 19) + rng.gauss(0, 0.3)
                late = rng.random() < 1 / (1 + math.exp(-logit))
                transfers.append(
                    Transfer(
                        key=f"picking:{number}",
                        name=f"{'OUT' if direction == 'outgoing' else 'IN'}/{number:05d}",
                        direction=direction,
                        partner=partner,
                        weekday=weekday,
                        load=load,
                        scheduled=date + timedelta(hours=6, minutes=10 * slot),
                        late=late,
                    )
                )
    transfers.sort(key=lambda t: (t.scheduled, t.key))
    return transfers


def split_by_time(transfers: list[Transfer], *, test_weeks: int = 4) -> tuple[list[Transfer], list[Transfer]]:
    """Train on the earlier weeks, test on the last `test_weeks` (a time-based hold-out)."""
    cut = max(t.scheduled for t in transfers) - timedelta(weeks=test_weeks)
    return [t for t in transfers if t.scheduled <= cut], [t for t in transfers if t.scheduled > cut]
