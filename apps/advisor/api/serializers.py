from __future__ import annotations

from rest_framework import serializers

from apps.advisor.models import AdvisorRun, Recommendation


class RecommendationSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)
    subject = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "advisor",
            "version",
            "site",
            "subject",
            "status",
            "is_open",
            "title",
            "reasons",
            "confidence",
            "score",
            "action",
            "result",
            "created_at",
            "decided_at",
            "decided_by",
            "reason",
            "run",
        ]
        read_only_fields = fields

    def get_subject(self, obj: Recommendation) -> str:
        return obj.subject_key


class DecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class RejectInputSerializer(serializers.Serializer):
    # Required: the service says so (after finding the recommendation, so an unknown one is a 404 first).
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000, help_text="Why it is rejected (required)."
    )


class RunSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", read_only=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = AdvisorRun
        fields = [
            "id",
            "advisor",
            "version",
            "site",
            "subject_key",
            "inputs_hash",
            "inputs",
            "prompt",
            "output",
            "reasons",
            "confidence",
            "latency_ms",
            "provider",
            "outcome",
            "error",
            "decided_by",
            "reason",
            "created_at",
        ]
        read_only_fields = fields
