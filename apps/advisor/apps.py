from django.apps import AppConfig


class AdvisorConfig(AppConfig):
    name = "apps.advisor"
    verbose_name = "Advisor: decision support in advisory mode"

    def ready(self) -> None:
        from apps.advisor import actions  # noqa: F401  (registers the built-in recommendation actions)
