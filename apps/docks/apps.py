from django.apps import AppConfig


class DocksConfig(AppConfig):
    name = "apps.docks"
    verbose_name = "Dock schedule"

    def ready(self) -> None:
        # The mirror (a lower layer) owns the change-set registry; appointments follow their
        # pickings' scheduled dates through it.
        from apps.docks.following import appointments_follow_changes
        from apps.mirror.changes import subscribe

        subscribe(appointments_follow_changes)
