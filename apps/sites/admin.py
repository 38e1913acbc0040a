from django.contrib import admin

from apps.sites.models import Shift, Site


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "timezone", "odoo_warehouse_id", "is_active"]
    list_filter = ["is_active", "timezone"]
    search_fields = ["code", "name"]
    inlines = [ShiftInline]
