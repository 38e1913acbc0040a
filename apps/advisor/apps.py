from django.apps import AppConfig


class AdvisorConfig(AppConfig):
    name = "apps.advisor"
    verbose_name = "Advisor: decision support in advisory mode"

    def ready(self) -> None:
        # -- the text side: message triage (its confirm action and its exception facts) ----------
        from apps.advisor import (
            actions,  # noqa: F401  (registers the built-in recommendation actions)
            text_tasks,  # noqa: F401  (registers the shift-summary task)
        )
        from apps.advisor.actions import ACTIONS
        from apps.advisor.triage.exceptions import TRIAGE_EXCEPTIONS
        from apps.advisor.triage.services import ACTION, EXCEPTION_SOURCE, TRIAGE_ACTION
        from apps.core.exception_facts import EXCEPTION_SOURCES

        ACTIONS.register(TRIAGE_ACTION, name=ACTION)
        EXCEPTION_SOURCES.register(TRIAGE_EXCEPTIONS, name=EXCEPTION_SOURCE)
