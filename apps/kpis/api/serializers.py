from rest_framework import serializers


class KpiDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    question = serializers.CharField()
    formula = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the data it is computed from (not Field.source)
    unit = serializers.ChoiceField(choices=["duration", "percent", "count"], help_text="duration values are seconds")
    good = serializers.ChoiceField(choices=["down", "up"], help_text="which direction is better")
    breakdown_title = serializers.CharField()
    hourly = serializers.BooleanField(help_text="also kept per local hour (granularity=hour)")


class KpiPointSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The site's local day (of the hour, by the hour).")
    hour_start = serializers.DateTimeField(
        required=False, help_text="granularity=hour only: the hour's start (UTC); a DST day has 23 or 25 hours."
    )
    hour_label = serializers.CharField(
        required=False, help_text="granularity=hour only: the hour in the site's local time, with its UTC offset."
    )
    value = serializers.FloatField(allow_null=True, help_text="null: nothing to measure that day")
    sample_size = serializers.IntegerField()
    breakdown = serializers.DictField(
        help_text="The parts the KPI page charts. approval_turnaround: per_step, and per_approver (by user id, "
        "with name) only for the site's managers and admins while the site allows per-person figures."
    )


class KpiSiteSeriesSerializer(serializers.Serializer):
    site = serializers.CharField()
    timezone = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    points = KpiPointSerializer(many=True)


class KpiSeriesSerializer(serializers.Serializer):
    kpi = KpiDefinitionSerializer()
    granularity = serializers.ChoiceField(choices=["day", "hour"])
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    sites = KpiSiteSeriesSerializer(many=True)


class KpiTargetSerializer(serializers.Serializer):
    site = serializers.CharField()
    kpi = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
