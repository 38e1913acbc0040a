from django.apps import AppConfig


class AdvisorConfig(AppConfig):
    name = "apps.advisor"
    verbose_name = "Advisor: decision support in advisory mode"

    def ready(self) -> None:
        # models load after apps are ready: import the registrants here
        from apps.advisor import actions  # noqa: F401  (registers the built-in recommendation actions)
        from apps.advisor.anomalies import ANOMALY_FACTS, SOURCE
        from apps.advisor.kpis import ACCEPTANCE_RATE
        from apps.advisor.priority import ADVISOR_ORDERING
        from apps.advisor.views import recommendation_panel
        from apps.cases.orderings import CASE_ORDERINGS
        from apps.core.exception_facts import EXCEPTION_SOURCES
        from apps.core.kpi_definitions import KPIS
        from apps.core.panels import SUBJECT_PANELS

        SUBJECT_PANELS.register(recommendation_panel, name="advisor")  # case and approval-request screens
        CASE_ORDERINGS.register(ADVISOR_ORDERING, name=ADVISOR_ORDERING.key)  # queue ?sort=advisor, wall tile
        EXCEPTION_SOURCES.register(ANOMALY_FACTS, name=SOURCE)  # anomalies as advisory cases
        KPIS.register(ACCEPTANCE_RATE, name=ACCEPTANCE_RATE.code)  # the acceptance rate among the managers' KPIs

        # -- the text side: message triage (its confirm action and its exception facts), summaries --
        from apps.advisor import text_tasks  # noqa: F401  (registers the shift-summary task)
        from apps.advisor.actions import ACTIONS
        from apps.advisor.triage.exceptions import TRIAGE_EXCEPTIONS
        from apps.advisor.triage.services import ACTION, EXCEPTION_SOURCE, TRIAGE_ACTION

        ACTIONS.register(TRIAGE_ACTION, name=ACTION)
        EXCEPTION_SOURCES.register(TRIAGE_EXCEPTIONS, name=EXCEPTION_SOURCE)
