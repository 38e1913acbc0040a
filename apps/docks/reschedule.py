"""The dock reschedule as an approval kind (apps/core/approval_kinds.py): registered in
DocksConfig.ready, so approvals (a sibling app) can hand back its decision on a waiting move."""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.approval_kinds import ApprovalKind
from apps.docks.services import RESCHEDULE_KIND, appointment_move_decided


class DockReschedule(ApprovalKind):
    code = RESCHEDULE_KIND
    label = "Dock appointment reschedule"
    facts = {
        "shift_minutes": "minutes the move shifts the appointment's start (either way)",
        "across_days": "the move goes to another local day",
        "pickings": "Odoo pickings whose date the move changes",
    }

    def decided(self, *, subject_id: int, request_id: int, approved: bool, actor_id: int | None) -> None:
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        appointment_move_decided(
            appointment_id=subject_id, approval_request_id=request_id, approved=approved, actor=actor
        )


DOCK_RESCHEDULE = DockReschedule()
