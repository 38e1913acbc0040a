from django.apps import AppConfig


class OdooSimConfig(AppConfig):
    """Django app holding the Odoo simulator and its management command."""

    name = "apps.odoosim"
    verbose_name = "Odoo simulator"
    default_auto_field = "django.db.models.BigAutoField"
