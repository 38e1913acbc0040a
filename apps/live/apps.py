from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "apps.live"
    verbose_name = "Live screens"

    def ready(self) -> None:
        from apps.live.mirror_feed import publish_picking_changes  # models are loaded only now
        from apps.mirror.changes import subscribe

        subscribe(publish_picking_changes)
