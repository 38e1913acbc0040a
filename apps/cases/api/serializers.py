"""API shapes of cases: one output serializer for list rows and one for the full case; one input
serializer per action."""

from rest_framework import serializers

from apps.cases.detectors import kind_label
from apps.cases.models import Case, CaseEvent, ResolutionCode
from apps.core.numbers import MAX_ODOO_ID, MAX_RECORD_ID


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "kind", "actor", "text", "data"]


class CaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    site = serializers.CharField(source="site.code", default=None, read_only=True)
    kind_label = serializers.SerializerMethodField()
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True)
    # Plain strings in the schema: the values are listed here, and the enum names stay free for the
    # other apps' own "status" fields.
    status = serializers.CharField(
        read_only=True, help_text="open, acknowledged, in_progress, snoozed, resolved or auto_resolved."
    )
    resolution_code = serializers.CharField(read_only=True, help_text="See the resolve action's reason_code.")

    class Meta:
        model = Case
        fields = [
            "id", "reference", "site", "kind", "kind_label", "title", "status", "severity", "priority_score",
            "priority_reasons", "owner_role", "assignee", "odoo_model", "odoo_id", "record_name",
            "sale_order_odoo_id", "opened_at", "updated_at", "acknowledged_at", "sla_due_at", "escalation_level",
            "snoozed_until", "resolved_at", "resolution_code", "resolution_note",
        ]  # fmt: skip

    def get_kind_label(self, case: Case) -> str:
        return kind_label(case.kind)


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "steps", "detail", "context", "events"]


class CaseNoInput(serializers.Serializer):
    pass


class CaseAssignInput(serializers.Serializer):
    assignee_id = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=MAX_RECORD_ID, help_text="A user id; null gives it back to the role."
    )


class CaseCommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class CaseSnoozeInput(serializers.Serializer):
    until = serializers.DateTimeField(help_text="When the case comes back (at most 7 days ahead).")


class CaseResolveInput(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=ResolutionCode.choices)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class CaseEscalateInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    from_level = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=1000,
        allow_null=True,
        default=None,
        help_text="The level you saw; a repeat at a newer level is a no-op.",
    )


class CaseOdooNoteInput(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class CaseOdooActivityInput(serializers.Serializer):
    summary = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    date_deadline = serializers.DateField()
    user_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ODOO_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="Odoo user; default: the transfer's responsible.",
    )


class CaseBulkInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["acknowledge", "assign"])
    case_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_RECORD_ID), max_length=500
    )
    assignee_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_RECORD_ID
    )


class CaseBulkOutput(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    errors = serializers.DictField(child=serializers.CharField())


class PickFailureReportInput(serializers.Serializer):
    location_odoo_id = serializers.IntegerField(min_value=1, max_value=MAX_ODOO_ID)
    picking_odoo_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ODOO_ID
    )
    product_odoo_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ODOO_ID
    )
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        default=None,
        help_text="Your id for this report: a resend with the same id is ignored.",
    )


class PickFailureReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    location_odoo_id = serializers.IntegerField()
    reported_at = serializers.DateTimeField()
