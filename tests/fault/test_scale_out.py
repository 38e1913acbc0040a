"""Scale-out: two Daphne processes, two Celery workers and two beats on one PostgreSQL + Redis.

A change published once reaches the screens on both web processes (the channel layer is shared,
so no sticky sessions are needed), only one beat sends the periodic jobs (the other stands by and
takes over when it stops), and an outbox entry sent to both workers at once runs once.
"""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.roles import Role
from apps.accounts.services import user_upsert
from apps.odoosim.server import start_simulator
from apps.writeback.models import OutboxAttempt, OutboxEntry
from apps.writeback.operations import get_operation
from apps.writeback.services import EXECUTE_TASK
from tests.channels import OtherRedisPublisher
from tests.conftest import PASSWORD
from tests.fault.screens import Screen
from tests.fault.stack import Beat, PrivateRedis, Web, Worker, broker_for, child_environment, wait_until
from tests.writeback import factories

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

ENTRIES = 12
SENDS_PER_ENTRY = 3  # each entry's task is sent three times, and both workers take from the queue
SENDING = "Sending due task"


@pytest.fixture
def two_of_each(production_path, sites, fast_schedules):
    redis = PrivateRedis().start()
    sim = start_simulator(port=0, seed=7)
    env = child_environment(redis.url(), sim.url, sim.database)
    broker = broker_for(redis.url())
    processes: list = []
    try:
        webs = [Web(f"web{n}", env) for n in (1, 2)]
        workers = [Worker(f"worker{n}", env, broker) for n in (1, 2)]
        beats = [Beat(f"beat{n}", env) for n in (1, 2)]
        processes += [*webs, *workers, *beats]
        for process in processes:
            process.start()
        yield {"redis": redis, "sim": sim, "broker": broker, "webs": webs, "workers": workers, "beats": beats}
    finally:
        for process in processes:
            process.stop()
        sim.stop()
        redis.stop()


def cookie_of(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_two_of_each_process_share_the_work_without_doing_it_twice(two_of_each, sites):
    redis, sim, broker = two_of_each["redis"], two_of_each["sim"], two_of_each["broker"]
    webs, workers, beats = two_of_each["webs"], two_of_each["workers"], two_of_each["beats"]
    sam = user_upsert(username="sam.scale", password=PASSWORD, roles=[Role.SUPERVISOR], sites=[sites["BRU"]])
    cookie = cookie_of(sam)
    screens = [Screen(web.ws_url, web.url, cookie, ["site.BRU"]).start() for web in webs]
    try:
        # A change published once reaches the screens on both web processes, with the same number.
        for screen in screens:
            wait_until(lambda screen=screen: screen.live() and screen.events("pulse"), 60, "both screens live")
        OtherRedisPublisher(redis.url()).send("site.BRU", "case.changed", {"case": 4242})
        heard = [
            wait_until(lambda screen=screen: screen.events("case.changed"), 10, "the change on both web processes")
            for screen in screens
        ]
        assert [events[0].data for events in heard] == [{"case": 4242}, {"case": 4242}]
        assert heard[0][0].seq == heard[1][0].seq
        pulses = [{event.seq for event in screen.events("pulse")} for screen in screens]
        assert pulses[0] & pulses[1]  # the beat's pulses too: one send, both processes

        # One beat sends the periodic jobs; the other stands by.
        active = wait_until(lambda: [beat for beat in beats if SENDING in beat.log_text()], 60, "an active beat")
        assert len(active) == 1, "both beats sent periodic jobs"
        standby = next(beat for beat in beats if beat is not active[0])
        wait_until(lambda: "standing by" in standby.log_text(), 30, "the second beat to stand by")
        assert SENDING not in standby.log_text()
        # The active one stops (a deploy): the other takes over and the screens keep their pulse.
        active[0].stop()
        wait_until(lambda: SENDING in standby.log_text(), 60, "the standby beat to take over")
        seen = max(event.seq for event in screens[0].events("pulse"))
        wait_until(lambda: max(event.seq for event in screens[1].events("pulse")) > seen + 2, 30, "pulses again")

        # Outbox claims: every entry's task reaches both workers several times; Odoo sees each once.
        pickings = [factories.new_delivery(sim) for _ in range(ENTRIES)]
        entries = [new_entry(number, picking) for number, picking in enumerate(pickings)]
        for _ in range(SENDS_PER_ENTRY):
            for entry in entries:
                broker.send_task(EXECUTE_TASK, args=(entry.pk,))
        finished = (OutboxEntry.Status.DONE, OutboxEntry.Status.SKIPPED)
        wait_until(
            lambda: OutboxEntry.objects.filter(pk__in=[e.pk for e in entries], status__in=finished).count() == ENTRIES,
            120,
            "every entry written back",
        )
        posted = [sim.writes("stock.picking", picking, "message_post") for picking in pickings]
        assert posted == [1] * ENTRIES
        attempts = OutboxAttempt.objects.filter(entry__in=entries)
        assert attempts.count() == ENTRIES  # the duplicates found the entry claimed or done: no attempt
        assert set(attempts.values_list("outcome", flat=True)) == {OutboxAttempt.Outcome.DONE}
        ran = {worker.name: worker.log_path.read_text(errors="replace").count(f"{EXECUTE_TASK}[") for worker in workers}
        assert all(ran.values()), ran  # both took part
        print(f"scale-out: {ENTRIES} entries sent {SENDS_PER_ENTRY} times each; task lines per worker {ran}; "
              f"attempts {attempts.count()}; Odoo writes per entry {sorted(set(posted))}", flush=True)  # fmt: skip
    finally:
        for screen in screens:
            screen.stop()


def new_entry(number: int, picking_id: int) -> OutboxEntry:
    """An outbox entry as a decision leaves it, without sending its task (the test sends it)."""
    operation = get_operation("post_message")
    arguments = operation.validate(
        odoo_model="stock.picking", odoo_id=picking_id, arguments={"body": f"Scale-out note {number}"}, preconditions={}
    )
    return OutboxEntry.objects.create(
        operation="post_message",
        odoo_model="stock.picking",
        odoo_id=picking_id,
        arguments=arguments,
        idempotency_key=f"scale-out:{number}:{picking_id}",
        cause_type="scale_out_test",
        cause_id=str(number),
        site_code="BRU",
    )
