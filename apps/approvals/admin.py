"""Admin: read-only views of policy versions and requests (a policy changes by a new version, through
`POST /api/v1/approvals/policies/`, never by editing one in place)."""

from django.contrib import admin

from apps.approvals.models import ApprovalPolicy, ApprovalRequest, Delegation


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(ReadOnly):
    list_display = ["name", "request_type", "site", "version", "is_current", "created_at", "note"]
    list_filter = ["request_type", "is_current", "site"]


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnly):
    list_display = ["id", "title", "site", "request_type", "status", "route_name", "due_at", "created_at"]
    list_filter = ["status", "request_type", "site"]
    search_fields = ["title", "dedupe_key"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["delegator", "delegate", "request", "starts_at", "ends_at", "revoked_at"]
