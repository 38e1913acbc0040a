from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "apps.kpis"
    verbose_name = "KPIs"

    def ready(self) -> None:
        # Each module registers its KPI definitions, in the overview's order; models are loaded only now.
        from apps.kpis import computations, dock_figures, execution  # noqa: F401
        from apps.kpis.refresh import refresh_for_changes, refresh_for_published
        from apps.kpis.wall import KPI_STRIP
        from apps.live.publisher import add_listener
        from apps.live.strips import WALL_STRIPS
        from apps.mirror.changes import subscribe

        WALL_STRIPS.register(KPI_STRIP, name=KPI_STRIP.key)

        subscribe(refresh_for_changes)
        add_listener(refresh_for_published)
