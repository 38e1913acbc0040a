"""People's actions on cases: each audited, each safe to repeat; snoozes end (escalation: tests/escalation)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.cases.detectors import detector
from apps.cases.models import Case, CaseEvent, Status
from apps.cases.services import actions, followups
from apps.cases.services.actions import CaseError
from apps.cases.services.detection import detect_changes, detect_subjects, snoozes_end
from apps.cases.services.intake import case_for_writeback_attention
from apps.mirror.changes import ChangeSet
from apps.mirror.models import Picking
from apps.writeback.models import OutboxEntry
from tests.cases import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_delivery(world):
    picking = f.make_picking(
        world["BRU"],
        "outgoing",
        state="assigned",
        scheduled_date=f.at(hours=-1),
        responsible_odoo_id=6,
        responsible_name="Marc Demo",
    )
    detect_subjects(detector=detector("picking_late"), subject_ids=[picking.odoo_id])
    return Case.objects.get(kind="picking_late")


def kinds(case):
    return list(case.events.values_list("kind", flat=True))


def test_acknowledge_is_audited_and_safe_to_repeat(late_delivery, supervisor):
    actions.case_acknowledge(case_id=late_delivery.pk, actor=supervisor)
    actions.case_acknowledge(case_id=late_delivery.pk, actor=supervisor)
    late_delivery.refresh_from_db()
    assert late_delivery.status == Status.ACKNOWLEDGED and late_delivery.acknowledged_at
    assert kinds(late_delivery).count(CaseEvent.Kind.ACKNOWLEDGED) == 1
    entry = AuditEntry.objects.get(action="case.acknowledged")
    assert entry.subject == f"case:{late_delivery.pk}" and entry.actor == supervisor and entry.site_code == "BRU"


def test_start_assigns_the_actor_and_marks_in_progress(late_delivery, supervisor):
    actions.case_start(case_id=late_delivery.pk, actor=supervisor)
    late_delivery.refresh_from_db()
    assert late_delivery.status == Status.IN_PROGRESS and late_delivery.assignee == supervisor


def test_assign_only_to_people_of_the_site(late_delivery, supervisor, manager, stranger):
    actions.case_assign(case_id=late_delivery.pk, actor=supervisor, assignee_id=manager.pk)
    actions.case_assign(case_id=late_delivery.pk, actor=supervisor, assignee_id=manager.pk)
    late_delivery.refresh_from_db()
    assert late_delivery.assignee == manager and kinds(late_delivery).count(CaseEvent.Kind.ASSIGNED) == 1
    with pytest.raises(CaseError, match="not a member of BRU"):
        actions.case_assign(case_id=late_delivery.pk, actor=supervisor, assignee_id=stranger.pk)


def test_comment_twice_by_double_submit_is_kept_once(late_delivery, supervisor):
    actions.case_comment(case_id=late_delivery.pk, actor=supervisor, text="Truck 3 is loading it now")
    actions.case_comment(case_id=late_delivery.pk, actor=supervisor, text="Truck 3 is loading it now")
    assert kinds(late_delivery).count(CaseEvent.Kind.COMMENTED) == 1
    with pytest.raises(CaseError):
        actions.case_comment(case_id=late_delivery.pk, actor=supervisor, text="   ")


def test_snooze_then_the_sweep_wakes_it(late_delivery, supervisor):
    until = timezone.now() + timedelta(minutes=30)
    actions.case_snooze(case_id=late_delivery.pk, actor=supervisor, until=until)
    late_delivery.refresh_from_db()
    assert late_delivery.status == Status.SNOOZED and late_delivery.is_open
    assert snoozes_end(now=timezone.now()) == 0
    assert snoozes_end(now=until + timedelta(seconds=1)) == 1
    late_delivery.refresh_from_db()
    assert late_delivery.status == Status.OPEN and CaseEvent.Kind.WOKE in kinds(late_delivery)
    with pytest.raises(CaseError, match="7 days"):
        actions.case_snooze(case_id=late_delivery.pk, actor=supervisor, until=timezone.now() + timedelta(days=8))


def test_resolve_needs_a_reason_and_is_safe_to_repeat(late_delivery, supervisor):
    with pytest.raises(CaseError, match="Choose a reason"):
        actions.case_resolve(case_id=late_delivery.pk, actor=supervisor, reason_code="because")
    actions.case_resolve(case_id=late_delivery.pk, actor=supervisor, reason_code="fixed_in_odoo", note="rescheduled")
    actions.case_resolve(case_id=late_delivery.pk, actor=supervisor, reason_code="fixed_in_odoo")
    late_delivery.refresh_from_db()
    assert late_delivery.status == Status.RESOLVED and not late_delivery.is_open
    assert late_delivery.resolution_note == "rescheduled"
    assert kinds(late_delivery).count(CaseEvent.Kind.RESOLVED) == 1
    with pytest.raises(CaseError, match="already resolved"):
        actions.case_acknowledge(case_id=late_delivery.pk, actor=supervisor)


def test_escalate_now_twice_from_the_same_screen_raises_one_level(late_delivery, supervisor):
    actions.case_escalate(case_id=late_delivery.pk, actor=supervisor, from_level=0)
    actions.case_escalate(case_id=late_delivery.pk, actor=supervisor, from_level=0)
    late_delivery.refresh_from_db()
    assert late_delivery.escalation_level == 1


def test_note_on_the_odoo_record_goes_through_the_outbox_once(late_delivery, supervisor):
    followups.case_note_to_odoo(case_id=late_delivery.pk, actor=supervisor, body="Carrier called, pickup at 17:00")
    followups.case_note_to_odoo(case_id=late_delivery.pk, actor=supervisor, body="Carrier called, pickup at 17:00")
    entry = OutboxEntry.objects.get()
    assert (entry.operation, entry.odoo_model, entry.odoo_id) == (
        "post_message",
        "stock.picking",
        late_delivery.odoo_id,
    )
    assert entry.arguments["body"] == "Carrier called, pickup at 17:00" and entry.cause_id == str(late_delivery.pk)
    assert kinds(late_delivery).count(CaseEvent.Kind.ODOO_NOTE) == 1


def test_activity_for_the_responsible_user_goes_through_the_outbox(late_delivery, supervisor):
    deadline = date.today() + timedelta(days=1)
    followups.case_schedule_odoo_activity(
        case_id=late_delivery.pk, actor=supervisor, summary="Call the carrier", date_deadline=deadline
    )
    entry = OutboxEntry.objects.get()
    assert entry.operation == "schedule_activity"
    assert entry.arguments["user_id"] == 6 and entry.arguments["deadline"] == deadline.isoformat()


def test_activity_without_a_responsible_asks_for_one(world, supervisor):
    picking = f.make_picking(world["BRU"], "outgoing", state="assigned", scheduled_date=f.at(hours=-1))
    detect_subjects(detector=detector("picking_late"), subject_ids=[picking.odoo_id])
    case = Case.objects.get()
    with pytest.raises(CaseError, match="Nobody is responsible"):
        followups.case_schedule_odoo_activity(
            case_id=case.pk, actor=supervisor, summary="Chase", date_deadline=date.today()
        )


def test_a_sale_order_with_several_late_steps_is_one_case(world):
    customer = f.make_partner(ref="TIER-A")
    order = f.make_order(world["BRU"], customer, amount_total=12000)
    steps = [
        f.make_picking(
            world["BRU"],
            kind,
            state="confirmed",
            scheduled_date=f.at(hours=-2),
            sale_order_id=order.odoo_id,
            partner_id=customer.odoo_id,
        )
        for kind in ("internal", "internal", "outgoing")
    ]
    detect_subjects(detector=detector("picking_late"), subject_ids=[steps[0].odoo_id])
    (case,) = Case.objects.all()
    assert (case.odoo_model, case.odoo_id, case.sale_order_odoo_id) == ("sale.order", order.odoo_id, order.odoo_id)
    assert sorted(step["id"] for step in case.steps) == sorted(p.odoo_id for p in steps)
    assert "Customer tier A" in case.priority_reasons and any("Order value" in r for r in case.priority_reasons)
    assert case.context["order"]["name"] == order.name
    # One step done: still one case, now showing it; all done: cleared.
    Picking.objects.filter(pk=steps[2].pk).update(state="done")
    detect_subjects(detector=detector("picking_late"), subject_ids=[steps[2].odoo_id])
    assert Case.objects.get().is_open
    Picking.objects.filter(sale_order_id=order.odoo_id).update(state="done")
    detect_subjects(detector=detector("picking_late"), subject_ids=[steps[0].odoo_id])
    assert Case.objects.get().status == Status.AUTO_RESOLVED


def test_change_sets_reach_the_detectors_that_watch_the_model(world):
    picking = f.make_picking(world["BRU"], "incoming", state="assigned", scheduled_date=f.at(hours=-3))
    outcome = detect_changes(ChangeSet("stock.picking", created=[picking.odoo_id]))
    assert [c.kind for c in Case.objects.filter(pk__in=outcome.opened)] == ["late_receipt"]
    assert detect_changes(ChangeSet("stock.location", created=[1])).opened == []


def test_records_of_a_warehouse_without_a_site_raise_nothing(sites):
    unknown = f.make_site_world("SIN")  # no SIN Site row
    picking = f.make_picking(unknown, "incoming", state="assigned", scheduled_date=f.at(hours=-3))
    assert detect_changes(ChangeSet("stock.picking", created=[picking.odoo_id])).opened == []


def test_a_write_back_needing_attention_opens_one_case_and_clears_when_settled(sites):
    entry = OutboxEntry.objects.create(
        operation="post_message",
        odoo_model="stock.picking",
        odoo_id=42,
        arguments={},
        idempotency_key="k1",
        cause_type="approval",
        cause_id="7",
        site_code="BRU",
        status=OutboxEntry.Status.DEAD,
        last_error="Odoo unreachable",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    first = case_for_writeback_attention(entry)
    assert case_for_writeback_attention(entry) == first
    assert first.site.code == "BRU" and first.owner_role == "admin" and "unreachable" in first.detail["last_error"]
    OutboxEntry.objects.filter(pk=entry.pk).update(status=OutboxEntry.Status.DONE)
    detect_subjects(detector=detector("writeback_attention"), subject_ids=[entry.pk])
    first.refresh_from_db()
    assert first.status == Status.AUTO_RESOLVED
