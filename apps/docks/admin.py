from django.contrib import admin

from apps.docks.models import Appointment, AppointmentProposal, DockDoor, DockRules, DoorClosure


class DoorClosureInline(admin.TabularInline):
    model = DoorClosure
    extra = 0


@admin.register(DockDoor)
class DockDoorAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "direction", "opens_at", "closes_at", "position", "is_active"]
    list_filter = ["site", "direction", "is_active"]
    inlines = [DoorClosureInline]


@admin.register(DockRules)
class DockRulesAdmin(admin.ModelAdmin):
    list_display = [
        "site",
        "late_after_min",
        "no_show_after_min",
        "overrun_after_min",
        "base_minutes",
        "minutes_per_line",
        "planning_horizon_hours",
        "reschedule_needs_approval",
    ]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    # Read here; changes go through the dock screens and API, which audit and announce them.
    list_display = ["id", "site", "door", "carrier", "reference", "planned_start", "planned_end", "status", "pinned"]
    list_filter = ["site", "status", "direction"]
    search_fields = ["carrier", "reference"]
    readonly_fields = [f.name for f in Appointment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AppointmentProposal)
class AppointmentProposalAdmin(admin.ModelAdmin):
    # Read here; the planner makes them and supervisors accept or dismiss them on the timeline.
    list_display = ["id", "site", "door", "carrier", "route", "planned_start", "planned_end", "status"]
    list_filter = ["site", "status", "direction"]
    search_fields = ["carrier", "route"]
    readonly_fields = [f.name for f in AppointmentProposal._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
