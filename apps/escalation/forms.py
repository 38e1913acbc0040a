"""Inputs of the escalation settings screen (the API uses serializers with the same services)."""

from django import forms

from apps.escalation.models import ON_CALL_ROLES, Contact, Rotation, Weekday


class ContactForm(forms.ModelForm):
    chat_webhook_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Chat webhook URL",
        help_text=Contact.chat_webhook_url.field.help_text,
    )

    class Meta:
        model = Contact
        fields = ["name", "role", "email", "chat_webhook_url", "phone", "is_active"]
        labels = {"chat_webhook_url": "Chat webhook URL", "is_active": "Active (can be notified)"}


class SlotForm(forms.Form):
    role = forms.ChoiceField(choices=ON_CALL_ROLES)
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    shift_name = forms.CharField(max_length=50)
    contact = forms.IntegerField(required=False, help_text="Empty clears the slot.")


class OverrideForm(forms.Form):
    """ "I cover Tuesday night": times are typed in the site's local time."""

    role = forms.ChoiceField(choices=ON_CALL_ROLES)
    contact = forms.IntegerField()
    starts_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"], label="From (site time)")
    ends_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"], label="Until (site time)")
    note = forms.CharField(max_length=200, required=False)


class RotationForm(forms.Form):
    """People taking turns for a role; the order of the choices is the order of turns (empty ones are skipped)."""

    role = forms.ChoiceField(choices=ON_CALL_ROLES)
    name = forms.CharField(max_length=100, required=False)
    period = forms.ChoiceField(choices=Rotation.Period.choices)
    starts_on = forms.DateField(label="First turn starts on (site date)")
    for_holidays = forms.BooleanField(required=False, label="Holiday rota (only on the site's holidays)")
    people = forms.CharField(required=False, help_text="Contact ids in turn order.")

    def clean_people(self) -> list[int]:
        raw = self.data.getlist("person") if hasattr(self.data, "getlist") else []
        return [int(value) for value in raw if str(value).isdigit()]


class HolidayForm(forms.Form):
    date = forms.DateField(label="Date (site date)")
    name = forms.CharField(max_length=100)


class PolicyRulesForm(forms.Form):
    repeat_every_min = forms.IntegerField(min_value=0, required=False, label="Repeat every (min)")
    repeat_limit = forms.IntegerField(min_value=0, max_value=50, required=False, label="Times")
    quiet_start = forms.TimeField(required=False, label="Quiet from")
    quiet_end = forms.TimeField(required=False, label="Quiet until")
