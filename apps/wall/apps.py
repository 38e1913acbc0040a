from django.apps import AppConfig


class WallConfig(AppConfig):
    name = "apps.wall"
    verbose_name = "Wall displays"

    def ready(self) -> None:
        from apps.mirror.changes import subscribe  # models are loaded only now
        from apps.wall.refresh import refresh_tiles_for_changes

        subscribe(refresh_tiles_for_changes)
