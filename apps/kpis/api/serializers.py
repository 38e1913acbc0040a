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


class KpiPointSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The site's local day.")
    value = serializers.FloatField(allow_null=True, help_text="null: nothing to measure that day")
    sample_size = serializers.IntegerField()
    breakdown = serializers.DictField()


class KpiSiteSeriesSerializer(serializers.Serializer):
    site = serializers.CharField()
    timezone = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    points = KpiPointSerializer(many=True)


class KpiSeriesSerializer(serializers.Serializer):
    kpi = KpiDefinitionSerializer()
    granularity = serializers.ChoiceField(choices=["day"])
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    sites = KpiSiteSeriesSerializer(many=True)


class KpiTargetSerializer(serializers.Serializer):
    site = serializers.CharField()
    kpi = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
