from django.contrib import admin

from apps.sites.models import Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "timezone", "odoo_warehouse_id", "is_active"]
    list_filter = ["is_active", "timezone"]
    search_fields = ["code", "name"]
