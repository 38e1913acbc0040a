from django.apps import AppConfig


class WritebackConfig(AppConfig):
    name = "apps.writeback"
    verbose_name = "Write-back to Odoo (outbox)"

    def ready(self) -> None:
        from apps.core.retention import register_retention_kind
        from apps.mirror.services.repair import register_restore_check
        from apps.writeback.recovery import outbox_lost_in_restore
        from apps.writeback.retention import OUTBOX

        # mirror_verify --repair lists the entries an Odoo restore undid, for a person to reissue
        register_restore_check(outbox_lost_in_restore)
        # Finished entries age out (core owns the retention registry).
        register_retention_kind(OUTBOX)
