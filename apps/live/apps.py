from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "apps.live"
    verbose_name = "Live screens"

    def ready(self) -> None:
        from apps.live.mirror_feed import publish_picking_changes  # models are loaded only now
        from apps.live.pulse import SITE_HEADLINE, delivery_headline
        from apps.mirror.changes import subscribe

        subscribe(publish_picking_changes)
        SITE_HEADLINE.register(delivery_headline, name="deliveries")
