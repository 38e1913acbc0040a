"""The create form of the integrations screen (the API takes the same fields through a serializer)."""

from __future__ import annotations

import secrets

from django import forms

from apps.integrations.models import EventType
from apps.sites.models import Site


class SubscriptionForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Who receives it, e.g. 'n8n case flow'.")
    url = forms.CharField(
        max_length=2000, label="Receiver URL", help_text="https://… (addresses inside your network are refused)."
    )
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple, label="Events"
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="Every site", help_text="Only this site's events."
    )
    # One create per form shown: reloading the page that shows a new secret must not make a second subscription.
    once = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, sites, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("once", secrets.token_urlsafe(16))
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
