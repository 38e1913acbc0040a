"""API shapes of cases: one output serializer for list rows and one for the full case. The actions'
input serializers live in apps/cases/forms.py, shared with the screens."""

from rest_framework import serializers

from apps.cases.detectors import kind_label
from apps.cases.models import Case, CaseEvent
from apps.core.numbers import MAX_ODOO_ID


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


class CaseBulkOutput(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    # DRF's metaclass takes declared fields off the class; the stubs see this as overriding Serializer.errors.
    errors = serializers.DictField(child=serializers.CharField())  # type: ignore[assignment]


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
