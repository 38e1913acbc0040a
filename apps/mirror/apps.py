from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "apps.mirror"
    verbose_name = "Odoo mirror"
