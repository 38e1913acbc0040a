from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "apps.outbound"
    verbose_name = "Outbound HTTP deliveries: retries, dead letters, the private-address guard"

    def ready(self) -> None:
        from apps.core.retention import register_retention_kind
        from apps.outbound.retention import DELIVERIES

        # Deliveries sent or dead age out (core owns the retention registry).
        register_retention_kind(DELIVERIES)
