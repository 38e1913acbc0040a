from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "apps.approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        # Lower layers call approvals only through the registries they own (apps/core/registry.py):
        # the rules listen to the mirror's change sets (after each sync page commits); the pulse
        # shows the decisions waiting.
        from apps.approvals.retention import APPROVALS, OUTBOX_OF_REQUESTS
        from apps.approvals.rules import on_change_set
        from apps.approvals.selectors import site_decision_headline
        from apps.approvals.services.kinds import ask_from_kind
        from apps.core.approval_kinds import APPROVAL_DESKS, DESK
        from apps.core.retention import register_retention_keeper, register_retention_kind
        from apps.live.pulse import SITE_HEADLINE
        from apps.mirror.changes import subscribe

        subscribe(on_change_set)
        SITE_HEADLINE.register(site_decision_headline, name="decisions")
        # Sibling apps (docks) ask for approvals through the contract core owns.
        APPROVAL_DESKS.register(ask_from_kind, name=DESK)
        # Decided requests age out (core owns the retention registry); their outbox entry stays with them.
        register_retention_kind(APPROVALS)
        register_retention_keeper(OUTBOX_OF_REQUESTS)
