from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "apps.cases"
    verbose_name = "Exception cases"

    def ready(self) -> None:
        # Lower layers call cases only through the registries they own (apps/core/registry.py):
        # mirror change sets, the outbox's attention calls and sibling apps' exception facts feed
        # detection; the pulse shows our counts.
        from apps.cases.retention import CASES, OUTBOX_OF_OPEN_CASES
        from apps.cases.selectors import site_exception_headline
        from apps.cases.services.detection import detect_changes, facts_rejudge
        from apps.cases.services.intake import on_outbox_needs_attention
        from apps.core.exception_facts import FACTS_CHANGED
        from apps.core.retention import register_retention_keeper, register_retention_kind
        from apps.live.pulse import SITE_HEADLINE
        from apps.mirror.changes import subscribe
        from apps.writeback.hooks import on_needs_attention

        subscribe(detect_changes)
        FACTS_CHANGED.register(facts_rejudge)  # sibling apps' exception facts (docks)
        on_needs_attention(on_outbox_needs_attention)
        SITE_HEADLINE.register(site_exception_headline, name="exceptions")
        # Closed cases age out (core owns the retention registry); an open write-back case keeps its entry.
        register_retention_kind(CASES)
        register_retention_keeper(OUTBOX_OF_OPEN_CASES)
