from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.conf import settings

        from apps.core.environment import warn_about_unknown_variables

        # Once per process (web, worker, beat, commands): a mistyped ODOO_* is otherwise silently ignored.
        warn_about_unknown_variables(settings)
