from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.api_tokens import api_token_revoke
from apps.accounts.display_tokens import display_token_create, display_token_revoke
from apps.accounts.models import ApiToken, DisplayToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "Control Tower",
            {"fields": ("sites", "language", "keyboard_shortcuts"), "description": "Roles are the groups above."},
        ),
    )
    filter_horizontal = ("groups", "user_permissions", "sites")
    list_display = ["username", "email", "first_name", "last_name", "role_names", "is_active"]
    list_filter = ["groups", "sites", "is_active", "is_superuser"]

    @admin.display(description="Roles")
    def role_names(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(DisplayToken)
class DisplayTokenAdmin(admin.ModelAdmin):
    """Create a TV's link here (shown once), see when and from where each TV was last seen, revoke."""

    list_display = ["name", "site", "board", "language", "last_seen_at", "last_seen_ip", "revoked_at", "created_by"]
    list_filter = ["site", "revoked_at"]
    fields = [
        "name",
        "site",
        "board",
        "language",
        "session_days",
        "last_seen_at",
        "last_seen_ip",
        "revoked_at",
        "created_by",
    ]
    readonly_fields = ["last_seen_at", "last_seen_ip", "revoked_at", "created_by"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # a token is created or revoked, never edited

    def save_model(self, request, obj, form, change):
        token, raw = display_token_create(
            site=obj.site,
            board=obj.board,
            name=obj.name,
            created_by=request.user,
            session_days=obj.session_days,
            language=obj.language,
        )
        obj.pk = token.pk
        link = request.build_absolute_uri(f"/wall/{token.site.code}/?token={raw}")
        messages.warning(request, f"Open this link once on the TV (it is shown only now): {link}")

    @admin.action(description="Revoke (the TV is shut out at once)")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            display_token_revoke(token=token, revoked_by=request.user)
        self.message_user(request, "Revoked.", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """See every API token and revoke; tokens are created on /settings/tokens/ or through the API."""

    list_display = ["name", "user", "prefix", "scopes", "carrier", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # the secret must be shown once: /settings/tokens/

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke (calls with it are refused at once)")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            api_token_revoke(token=token, revoked_by=request.user)
        self.message_user(request, "Revoked.", messages.SUCCESS)
