"""Docks' claim on approval requests (apps.core.retention): an appointment whose move waits for a
request points at it by id, so that request is never purged while the appointment points at it."""

from __future__ import annotations

from apps.core.retention import RetentionKeeper
from apps.docks.models import Appointment


def requests_appointments_need(ids: list[int]) -> set[int]:
    found = Appointment.objects.filter(pending_approval_id__in=ids).values_list("pending_approval_id", flat=True)
    return {request_id for request_id in found if request_id is not None}


REQUESTS_OF_APPOINTMENTS = RetentionKeeper(
    kind="approvals", name="docks: appointments waiting on a request", still_needed=requests_appointments_need
)
