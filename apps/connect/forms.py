"""Forms of the Odoo connection screen. Secret fields are never rendered back into the page."""

from typing import cast

from django import forms


class ConnectionForm(forms.Form):
    url = forms.CharField(label="Odoo address", max_length=300, help_text="As you open Odoo in a browser.")
    database = forms.CharField(label="Database", max_length=100)
    login = forms.CharField(label="Login of the integration user", max_length=200)
    secret_kind = forms.ChoiceField(
        label="Sign in with", choices=[("api_key", "API key (preferred)"), ("password", "Password")], initial="api_key"
    )
    secret = forms.CharField(label="API key or password", widget=forms.PasswordInput(render_value=False))


class WarehouseMappingForm(forms.Form):
    """The warehouses to map; choices are filled from Odoo's list."""

    warehouses = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=True)

    def __init__(self, *args, warehouse_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["warehouses"]).choices = warehouse_choices


class WebhookRulesForm(forms.Form):
    """Odoo administrator credentials, given once for this step and never stored."""

    admin_login = forms.CharField(label="Odoo administrator login", max_length=200)
    admin_secret = forms.CharField(
        label="Administrator API key or password", widget=forms.PasswordInput(render_value=False)
    )
    intake_url = forms.URLField(
        label="Address Odoo should post to",
        max_length=500,
        help_text="This Control Tower as Odoo's server reaches it.",
        assume_scheme="https",
    )
    consent = forms.BooleanField(label="Create (or update) the automation rules in Odoo for me", required=True)
