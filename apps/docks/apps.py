from django.apps import AppConfig


class DocksConfig(AppConfig):
    name = "apps.docks"
    verbose_name = "Dock schedule"

    def ready(self) -> None:
        # The mirror (a lower layer) owns the change-set registry; appointments follow their
        # pickings' scheduled dates through it.
        from apps.core.approval_kinds import APPROVAL_KINDS
        from apps.core.exception_facts import EXCEPTION_SOURCES
        from apps.core.retention import register_retention_keeper
        from apps.docks.exceptions import DOCK_EXCEPTIONS, SOURCE
        from apps.docks.following import appointments_follow_changes
        from apps.docks.proposals import proposals_follow_changes
        from apps.docks.reschedule import DOCK_RESCHEDULE
        from apps.docks.retention import REQUESTS_OF_APPOINTMENTS
        from apps.mirror.changes import subscribe

        subscribe(appointments_follow_changes)
        # New, moved, done or cancelled pickings re-plan the proposed appointments.
        subscribe(proposals_follow_changes)
        # A move the site wants approved waits for approvals (a sibling app): core owns the contract.
        APPROVAL_KINDS.register(DOCK_RESCHEDULE, name=DOCK_RESCHEDULE.code)
        # Late arrivals, no-shows, overruns and conflicts become cases in the exception queue (a
        # sibling app): core owns the registry, cases adopts every source's kinds.
        EXCEPTION_SOURCES.register(DOCK_EXCEPTIONS, name=SOURCE)
        # An appointment waiting on a request keeps that request through the retention purge.
        register_retention_keeper(REQUESTS_OF_APPOINTMENTS)
