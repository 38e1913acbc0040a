"""Admin: inspect an entry with its attempts (requests, answers), retry or cancel it (audited)."""

from django.contrib import admin, messages

from apps.writeback.models import OutboxAttempt, OutboxEffect, OutboxEntry
from apps.writeback.services import OutboxStateError, outbox_cancel, outbox_retry

ATTEMPT_COLUMNS = ("number", "started_at", "finished_at", "outcome", "message", "error_type", "calls")


class OutboxAttemptInline(admin.TabularInline):
    model = OutboxAttempt
    extra = 0
    can_delete = False
    fields = ATTEMPT_COLUMNS
    readonly_fields = ATTEMPT_COLUMNS

    def has_add_permission(self, request, obj=None):
        return False


class OutboxEffectInline(admin.TabularInline):
    """The Odoo records the entry made or changed: what rules recognise as our own effect."""

    model = OutboxEffect
    extra = 0
    can_delete = False
    fields = readonly_fields = ("odoo_model", "odoo_id", "write_date", "created", "recorded_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    """Read-only rows; the two actions go through the services, which check the status and audit."""

    list_display = [
        "id",
        "operation",
        "target",
        "status",
        "attempts",
        "next_attempt_at",
        "site_code",
        "cause",
        "created_at",
        "last_error",
    ]
    list_filter = ["status", "operation", "site_code"]
    search_fields = ["idempotency_key", "cause_id", "odoo_model", "last_error"]
    readonly_fields = [field.name for field in OutboxEntry._meta.fields]
    inlines = [OutboxAttemptInline, OutboxEffectInline]
    actions = ["retry", "cancel"]

    @admin.display(description="cause")
    def cause(self, entry: OutboxEntry) -> str:
        return f"{entry.cause_type}:{entry.cause_id}"

    def has_add_permission(self, request):
        return False  # entries come from decisions only

    def has_delete_permission(self, request, obj=None):
        return False  # the history of what was written to Odoo stays

    @admin.action(description="Retry now (fresh attempt budget)")
    def retry(self, request, queryset):
        self._apply(request, queryset, outbox_retry, "queued again")

    @admin.action(description="Cancel (never write to Odoo)")
    def cancel(self, request, queryset):
        self._apply(request, queryset, outbox_cancel, "cancelled")

    def _apply(self, request, queryset, service, done: str) -> None:
        succeeded, refused = 0, []
        for entry_id in queryset.values_list("pk", flat=True):
            try:
                service(entry_id=entry_id, actor=request.user)
                succeeded += 1
            except OutboxStateError as exc:
                refused.append(str(exc))
        if succeeded:
            self.message_user(
                request, f"{succeeded} outbox entr{'y' if succeeded == 1 else 'ies'} {done}.", messages.SUCCESS
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)
