from django.contrib import admin, messages

from apps.mirror import models
from apps.mirror.services.webhooks import event_replay


@admin.register(models.SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["odoo_model", "cursor", "newest_write_date", "last_success_at", "last_rows", "last_error"]
    readonly_fields = [field.name for field in models.SyncState._meta.fields]


@admin.register(models.SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "status", "finished_at", "decisions_skipped", "error"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in models.SyncRun._meta.fields]


@admin.register(models.InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "odoo_model", "odoo_id", "status", "attempts", "last_error"]
    list_filter = ["status", "odoo_model"]
    search_fields = ["odoo_model", "odoo_id", "last_error"]
    readonly_fields = [field.name for field in models.InboundEvent._meta.fields]
    actions = ["replay"]

    @admin.action(description="Replay (refresh the record from Odoo again)")
    def replay(self, request, queryset):
        dead_ids = list(queryset.filter(status=models.InboundEvent.Status.DEAD).values_list("pk", flat=True))
        for event_id in dead_ids:
            event_replay(event_id)
        self.message_user(request, f"{len(dead_ids)} dead event(s) queued again.", messages.SUCCESS)


for mirrored in [models.Picking, models.Move, models.Quant, models.Partner, models.Product, models.SaleOrder]:

    @admin.register(mirrored)
    class MirrorAdmin(admin.ModelAdmin):
        list_display = ["odoo_id", "__str__", "odoo_write_date", "synced_at", "is_archived", "is_deleted"]
        search_fields = ["odoo_id"]

        def has_add_permission(self, request):
            return False  # the mirror is written by sync only

        def has_change_permission(self, request, obj=None):
            return False
