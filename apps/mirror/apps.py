from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "apps.mirror"
    verbose_name = "Odoo mirror"

    def ready(self) -> None:
        from apps.core.retention import register_retention_kind
        from apps.mirror.retention import INBOUND_EVENTS

        # Handled webhooks age out (core owns the retention registry).
        register_retention_kind(INBOUND_EVENTS)
