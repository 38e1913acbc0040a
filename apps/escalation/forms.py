"""Inputs of the escalation settings screen (the API uses serializers with the same services)."""

from django import forms

from apps.escalation.models import ON_CALL_ROLES, Contact, Weekday


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
