"""Inputs the screens and the API share: a target for one site and KPI."""

from __future__ import annotations

from rest_framework import serializers


class KpiTargetInputSerializer(serializers.Serializer):
    site = serializers.CharField(max_length=20, help_text="Site code, e.g. BRU.")
    value = serializers.FloatField(
        allow_null=True, min_value=0, help_text="The target in the KPI's unit (seconds or percent); null removes it."
    )
