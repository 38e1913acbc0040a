"""API shapes: input serializers validate, output serializers describe. The decision and bulk inputs
live in apps/approvals/forms.py, shared with the screens."""

from __future__ import annotations

from rest_framework import serializers

from apps.approvals.models import ApprovalPolicy, ApprovalRequest, RequestType
from apps.core.numbers import MAX_ODOO_ID


class ApprovalRequestListSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    # plain text in the schema: the choice sets are listed in the docs, and other apps' "status" enums differ
    status = serializers.CharField(help_text="pending, info_requested, approved, rejected, straight_through, cancelled")
    request_type = serializers.CharField(help_text="order_release, shipment_release, inventory_adjustment, ...")
    control_model = serializers.CharField()
    policy = serializers.CharField(source="policy.label")
    step = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "site",
            "request_type",
            "status",
            "title",
            "odoo_model",
            "odoo_id",
            "policy",
            "route_name",
            "control_model",
            "condition_text",
            "is_low_risk",
            "due_at",
            "created_at",
            "acknowledged_at",
            "decided_at",
            "escalated_role",
            "step",
        ]

    def get_step(self, obj: ApprovalRequest) -> dict | None:
        step = obj.active_step
        return {"position": step.position, "name": step.name, "role": step.role} if step else None


class ApprovalRequestDetailSerializer(ApprovalRequestListSerializer):
    requested_by = serializers.CharField(source="requested_by.username", default=None)
    steps = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    writeback = serializers.SerializerMethodField()
    can_decide = serializers.SerializerMethodField()

    class Meta(ApprovalRequestListSerializer.Meta):
        fields = [
            *ApprovalRequestListSerializer.Meta.fields,
            "facts",
            "context",
            "effect",
            "reason",
            "raised_by_rule",
            "requested_by",
            "steps",
            "timeline",
            "decisions",
            "writeback",
            "can_decide",
        ]

    def get_steps(self, obj) -> list[dict]:
        return [
            {
                "position": s.position,
                "name": s.name,
                "role": s.role,
                "status": s.status,
                "approvers": [u.username for u in s.approvers.all()],
                "approvals_needed": s.approvals_needed,
                "sla_minutes": s.sla_minutes,
                "due_at": s.due_at,
                "acknowledged_at": s.acknowledged_at,
                "completed_at": s.completed_at,
                "reminded_at": s.reminded_at,
                "escalated_at": s.escalated_at,
            }
            for s in self.context["page"]["steps"]
        ]

    def get_timeline(self, obj) -> list[dict]:
        return [
            {"at": e.at, "kind": e.kind, "message": e.message, "actor": e.actor.username if e.actor else None}
            for e in self.context["page"]["events"]
        ]

    def get_decisions(self, obj) -> list[dict]:
        return [
            {
                "at": d.at,
                "kind": d.kind,
                "user": d.user.username,
                "reason": d.reason,
                "on_behalf_of": d.on_behalf_of.username if d.on_behalf_of else None,
            }
            for d in self.context["page"]["decisions"]
        ]

    def get_writeback(self, obj) -> dict | None:
        entry = self.context["page"]["writeback"]
        if entry is None:
            return None
        return {
            "id": entry.pk,
            "status": entry.status,
            "attempts": entry.attempts,
            "last_error": entry.last_error,
            "finished_at": entry.finished_at,
        }

    def get_can_decide(self, obj) -> dict:
        granted = self.context["page"]["authority"]
        return {"allowed": granted.allowed, "reason": granted.reason}


class ApprovalRaiseInputSerializer(serializers.Serializer):
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    reason = serializers.CharField(max_length=2000)
    picking = serializers.CharField(required=False, max_length=100)
    carrier_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ODOO_ID)
    freight_delta = serializers.FloatField(required=False, min_value=0, max_value=1e12)
    quant_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ODOO_ID)
    counted_quantity = serializers.FloatField(required=False, min_value=0, max_value=1e12)
    orderpoint_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ODOO_ID)
    purchase_order = serializers.CharField(required=False, max_length=100)


class ApprovalPolicySerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", default=None)
    # DRF's metaclass takes declared fields off the class; the stubs see this as overriding Field.label.
    label = serializers.CharField()  # type: ignore[assignment]

    class Meta:
        model = ApprovalPolicy
        fields = [
            "id",
            "request_type",
            "site",
            "version",
            "is_current",
            "name",
            "label",
            "definition",
            "note",
            "created_at",
        ]


class ApprovalPolicyInputSerializer(serializers.Serializer):
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    site = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    definition = serializers.JSONField()


class ApprovalDelegationInputSerializer(serializers.Serializer):
    delegate = serializers.CharField(max_length=150)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
