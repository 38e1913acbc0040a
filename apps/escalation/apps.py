from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "apps.escalation"
    verbose_name = "Escalation: contacts, on-call and notifications"

    def ready(self) -> None:
        from apps.escalation.wall import ON_CALL_STRIP  # models load after apps are ready
        from apps.live.strips import WALL_STRIPS

        WALL_STRIPS.register(ON_CALL_STRIP, name=ON_CALL_STRIP.key)

        from apps.core.on_call import ON_CALL_DIRECTORIES
        from apps.escalation.selectors import on_call_emails_at

        ON_CALL_DIRECTORIES.register(on_call_emails_at, name="escalation")
