from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "apps.cases"
    verbose_name = "Exception cases"

    def ready(self) -> None:
        # The two hooks that feed detection: mirror change sets and the outbox's attention calls.
        from apps.cases.services.detection import detect_changes
        from apps.cases.services.intake import on_outbox_needs_attention
        from apps.mirror.changes import subscribe
        from apps.writeback.hooks import on_needs_attention

        subscribe(detect_changes)
        on_needs_attention(on_outbox_needs_attention)
