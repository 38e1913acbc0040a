from django.apps import AppConfig


class ConnectConfig(AppConfig):
    """Connecting a real Odoo: test the connection, map warehouses to sites, install webhook rules."""

    name = "apps.connect"
    verbose_name = "Odoo connection"
