from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "apps.outbound"
    verbose_name = "Outbound HTTP deliveries: retries, dead letters, the private-address guard"
