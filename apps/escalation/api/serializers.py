"""Input and output shapes of the escalation API."""

from rest_framework import serializers

from apps.escalation.models import (
    ON_CALL_ROLES,
    Contact,
    EscalationLevel,
    EscalationPolicy,
    Holiday,
    OnCallSlot,
    Rotation,
    Weekday,
)


class ContactSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    username = serializers.CharField(source="user.username", default=None)
    # The webhook URL is a secret (its path is the token): the API says only whether one is set.
    has_chat_webhook = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "site", "role", "name", "username", "email", "has_chat_webhook", "phone", "is_active"]

    def get_has_chat_webhook(self, contact: Contact) -> bool:
        return bool(contact.chat_webhook_url)


class ContactInputSerializer(serializers.Serializer):
    site = serializers.CharField(help_text="Site code, e.g. BRU.")
    role = serializers.ChoiceField(choices=ON_CALL_ROLES)
    name = serializers.CharField(max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    chat_webhook_url = serializers.URLField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    is_active = serializers.BooleanField(required=False, default=True)


class ContactChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ON_CALL_ROLES, required=False)
    name = serializers.CharField(max_length=100, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    chat_webhook_url = serializers.URLField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    is_active = serializers.BooleanField(required=False)


class OnCallSerializer(serializers.Serializer):
    site = serializers.CharField(source="site.code")
    role = serializers.CharField()
    shift = serializers.CharField(source="shift.name")
    shift_starts = serializers.DateTimeField(source="shift.starts")
    shift_ends = serializers.DateTimeField(source="shift.ends")
    origin = serializers.CharField(
        source="source", help_text="override, holiday rota, holiday (nobody), calendar, rotation or nobody"
    )
    contact = ContactSerializer(allow_null=True)


class OnCallListSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    on_call = OnCallSerializer(many=True)


class OnCallSlotSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    contact_name = serializers.CharField(source="contact.name")

    class Meta:
        model = OnCallSlot
        fields = ["id", "site", "role", "weekday", "shift_name", "contact", "contact_name"]


class OnCallSlotInputSerializer(serializers.Serializer):
    site = serializers.CharField()
    role = serializers.ChoiceField(choices=ON_CALL_ROLES)
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    shift_name = serializers.CharField(max_length=50)
    contact = serializers.IntegerField(allow_null=True, help_text="Contact id; null clears the slot.")


class OnCallSlotResultSerializer(serializers.Serializer):
    slot = OnCallSlotSerializer(allow_null=True, help_text="The slot as it is now; null when it was cleared.")


class LevelSerializer(serializers.ModelSerializer):
    # Plain text: the role enum is documented once, under `role` (one name per choice set in the schema).
    target_role = serializers.CharField(help_text="The role whose on-call is notified; blank for a named contact.")

    class Meta:
        model = EscalationLevel
        fields = ["number", "delay_min", "target_role", "target_contact"]


class PolicySerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    levels = LevelSerializer(many=True)

    class Meta:
        model = EscalationPolicy
        fields = [
            "id",
            "site",
            "applies_to",
            "case_kind",
            "severity",
            "request_type",
            "step_name",
            "repeat_every_min",
            "repeat_limit",
            "quiet_start",
            "quiet_end",
            "is_active",
            "levels",
        ]


class RotationSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")
    # Plain text: the role enum is documented once, under `role` of contacts.
    role = serializers.CharField()
    people = serializers.SerializerMethodField(help_text="Contact ids in turn order.")

    class Meta:
        model = Rotation
        fields = ["id", "site", "role", "name", "period", "starts_on", "for_holidays", "people"]

    def get_people(self, rotation: Rotation) -> list[int]:
        return [turn.contact_id for turn in rotation.turns.all()]


class RotationInputSerializer(serializers.Serializer):
    site = serializers.CharField(help_text="Site code, e.g. BRU.")
    role = serializers.ChoiceField(choices=ON_CALL_ROLES)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    period = serializers.ChoiceField(choices=Rotation.Period.choices)
    starts_on = serializers.DateField(help_text="Local date the first turn starts.")
    for_holidays = serializers.BooleanField(required=False, default=False)
    people = serializers.ListField(
        child=serializers.IntegerField(), help_text="Contact ids in turn order; empty removes the rotation."
    )


class RotationResultSerializer(serializers.Serializer):
    rotation = RotationSerializer(allow_null=True, help_text="The rotation as it is now; null when removed.")


class HolidaySerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")

    class Meta:
        model = Holiday
        fields = ["id", "site", "date", "name"]


class HolidayInputSerializer(serializers.Serializer):
    site = serializers.CharField(help_text="Site code, e.g. BRU.")
    date = serializers.DateField(help_text="The site's local date.")
    name = serializers.CharField(max_length=100)


class PolicyRulesSerializer(serializers.Serializer):
    repeat_every_min = serializers.IntegerField(min_value=0, required=False)
    repeat_limit = serializers.IntegerField(min_value=0, max_value=50, required=False)
    quiet_start = serializers.TimeField(required=False, allow_null=True)
    quiet_end = serializers.TimeField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
