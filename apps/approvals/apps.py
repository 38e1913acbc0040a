from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "apps.approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        # The rules listen to the mirror's change sets (after each sync page commits).
        from apps.approvals.rules import on_change_set
        from apps.mirror.changes import subscribe

        subscribe(on_change_set)
