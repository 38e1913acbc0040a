"""What each case action takes, validated once for the screens and the API, and the lookup of the
case a URL names.

DRF serializers serve both: they read a form post (the case panel, the queue's bulk bar) and a JSON
body (the API) alike, and describe themselves in the OpenAPI schema. `CASE_ACTIONS` names the input
and the service of every action, so a screen and an API call of one action run the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.cases.models import Case, ResolutionCode
from apps.cases.selectors import can_act_on, case_get
from apps.cases.services import actions, followups
from apps.core.numbers import MAX_ODOO_ID, MAX_RECORD_ID

SNOOZE_CHOICES = [("30", _("30 minutes")), ("60", _("1 hour")), ("240", _("4 hours")), ("1440", _("Until tomorrow"))]
MAX_BULK = 500


class IdListField(serializers.ListField):
    """Ids as a JSON list, or as the comma-separated value of one form field ("12,14,15")."""

    child = serializers.IntegerField(min_value=1, max_value=MAX_RECORD_ID)  # past it: a 400, not an overflow

    def to_internal_value(self, data: Any) -> list[int]:
        if isinstance(data, str):
            data = [data]
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            data = [part.strip() for item in data for part in item.split(",") if part.strip()]
        return super().to_internal_value(data)


def optional_integer(*, min_value: int, max_value: int, help_text: str) -> serializers.IntegerField:
    """A bounded number the caller may leave out or send as null (a form's empty field)."""
    return serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=min_value, max_value=max_value, help_text=help_text
    )


class CaseNoInput(serializers.Serializer):
    pass


class CaseAssignInput(serializers.Serializer):
    assignee_id = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=MAX_RECORD_ID, help_text="A user id; null gives it back to the role."
    )


class CaseCommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class CaseSnoozeInput(serializers.Serializer):
    until = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When the case comes back (at most 7 days ahead)."
    )
    minutes = optional_integer(min_value=1, max_value=7 * 24 * 60, help_text="Or: for how many minutes.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["until"] is None and attrs["minutes"] is None:
            raise serializers.ValidationError("Say until when (until) or for how long (minutes).")
        minutes = attrs.pop("minutes")
        if attrs["until"] is None:
            attrs["until"] = timezone.now() + timedelta(minutes=minutes)
        return attrs


class CaseResolveInput(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=ResolutionCode.choices)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class CaseEscalateInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    from_level = optional_integer(
        min_value=0, max_value=1000, help_text="The level you saw; a repeat at a newer level is a no-op."
    )


class CaseOdooNoteInput(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class CaseOdooActivityInput(serializers.Serializer):
    summary = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    date_deadline = serializers.DateField()
    user_id = optional_integer(
        min_value=1, max_value=MAX_ODOO_ID, help_text="Odoo user; default: the transfer's responsible."
    )


class CaseBulkInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["acknowledge", "assign"])
    case_ids = IdListField(min_length=1, max_length=MAX_BULK)
    assignee_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_RECORD_ID
    )


@dataclass(frozen=True)
class CaseAction:
    input: type[serializers.Serializer]
    run: Callable[..., Case]
    summary: str


CASE_ACTIONS: dict[str, CaseAction] = {
    "acknowledge": CaseAction(CaseNoInput, actions.case_acknowledge, "Acknowledge a case"),
    "start": CaseAction(CaseNoInput, actions.case_start, "Start work on a case"),
    "assign": CaseAction(CaseAssignInput, actions.case_assign, "Assign a case to a person"),
    "comment": CaseAction(CaseCommentInput, actions.case_comment, "Comment on a case"),
    "snooze": CaseAction(CaseSnoozeInput, actions.case_snooze, "Snooze a case until a time"),
    "resolve": CaseAction(CaseResolveInput, actions.case_resolve, "Resolve a case with a reason"),
    "escalate": CaseAction(CaseEscalateInput, actions.case_escalate, "Escalate a case now"),
    "odoo-note": CaseAction(CaseOdooNoteInput, followups.case_note_to_odoo, "Post a note on the Odoo record"),
    "odoo-activity": CaseAction(
        CaseOdooActivityInput, followups.case_schedule_odoo_activity, "Schedule an Odoo activity"
    ),
}


def case_or_404(user, case_id: int) -> Case:
    """The case a URL names, if it is at one of the user's sites (404 otherwise), for both paths."""
    case = case_get(user=user, case_id=case_id)
    if case is None:
        raise Http404("No such case on your sites.")
    return case


def case_act(*, case: Case, actor, action: str, data: Any) -> Case:
    """Check the actor may act, validate the action's input, run its service.

    Raises PermissionDenied, serializers.ValidationError, or the service's CaseError."""
    if not can_act_on(actor, case):
        raise PermissionDenied("Your role can read this case but not act on it.")
    values = CASE_ACTIONS[action].input(data=data)
    values.is_valid(raise_exception=True)
    return CASE_ACTIONS[action].run(case_id=case.pk, actor=actor, **values.validated_data)
