from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Control Tower", {"fields": ("sites",), "description": "Roles are the groups above."}),
    )
    filter_horizontal = ("groups", "user_permissions", "sites")
    list_display = ["username", "email", "first_name", "last_name", "role_names", "is_active"]
    list_filter = ["groups", "sites", "is_active", "is_superuser"]

    @admin.display(description="Roles")
    def role_names(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
