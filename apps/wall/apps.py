from django.apps import AppConfig


class WallConfig(AppConfig):
    name = "apps.wall"
    verbose_name = "Wall displays"

    def ready(self) -> None:
        from apps.live.publisher import add_listener  # models are loaded only now
        from apps.mirror.changes import subscribe
        from apps.wall.refresh import refresh_tiles_for_changes, refresh_tiles_for_published

        subscribe(refresh_tiles_for_changes)
        add_listener(refresh_tiles_for_published)
