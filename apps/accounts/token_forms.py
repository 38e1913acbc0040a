"""The create form of the API tokens screen (the API takes the same fields through a serializer)."""

import secrets

from django import forms

from apps.accounts.api_tokens import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS
from apps.accounts.models import ApiScope
from apps.sites.models import Site


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. 'n8n approvals flow'.")
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, initial=[ApiScope.READ]
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every site you can see.",
    )
    carrier = forms.CharField(
        max_length=100, required=False, help_text="Only this carrier's dock appointments (empty: no carrier limit)."
    )
    # One create per form shown: reloading the page that shows a new secret must not make a second token.
    once = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=MAX_EXPIRY_DAYS, initial=DEFAULT_EXPIRY_DAYS, label="Expires in (days)"
    )

    def __init__(self, *args, sites, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("once", secrets.token_urlsafe(16))
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
