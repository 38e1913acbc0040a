from django.apps import AppConfig


class WritebackConfig(AppConfig):
    name = "apps.writeback"
    verbose_name = "Write-back to Odoo (outbox)"
