from django.apps import AppConfig


class OdooConfig(AppConfig):
    name = "apps.odoo"
    label = "odoo"
    verbose_name = "Odoo gateway"
