from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "apps.escalation"
    verbose_name = "Escalation: contacts, on-call and notifications"
