from django.contrib import admin

from apps.cases.models import Case, CaseEvent, CaseSettings, PickFailureReport


@admin.register(CaseSettings)
class CaseSettingsAdmin(admin.ModelAdmin):
    """Per-site thresholds, cutoffs (site local time) and SLAs of the exception detectors."""

    list_display = ["site", "route_cutoff", "cutoff_warning_min", "late_receipt_grace_min", "sla_critical_min"]
    fieldsets = [
        (None, {"fields": ["site", "disabled_detectors"]}),
        ("Cutoffs (site local time)", {"fields": ["route_cutoff", "carrier_cutoffs", "cutoff_warning_min"]}),
        (
            "Thresholds",
            {
                "fields": [
                    "late_receipt_grace_min",
                    "picking_late_grace_min",
                    "aging_transfer_hours",
                    "unassigned_start_min",
                    ("variance_qty", "variance_pct", "variance_value"),
                    ("pick_failure_count", "pick_failure_window_hours"),
                    "carrier_exception_markers",
                ]
            },
        ),
        (
            "SLA per severity (minutes)",
            {"fields": [("sla_critical_min", "sla_high_min", "sla_medium_min", "sla_low_min")]},
        ),
    ]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["at", "kind", "actor", "text", "data"]
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-mostly: people work cases on the exception screens, where every action is audited."""

    list_display = ["id", "site", "kind", "severity", "status", "priority_score", "title", "opened_at"]
    list_filter = ["site", "kind", "severity", "status"]
    search_fields = ["title", "record_name", "dedupe_key"]
    readonly_fields = [field.name for field in Case._meta.fields]
    inlines = [CaseEventInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PickFailureReport)
class PickFailureReportAdmin(admin.ModelAdmin):
    list_display = ["reported_at", "location_odoo_id", "picking_odoo_id", "reason", "reported_by"]
