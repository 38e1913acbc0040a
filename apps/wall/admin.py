from django.contrib import admin

from apps.wall.models import Board


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["site", "slug", "name", "tiles", "rotate_after_s", "position"]
    list_filter = ["site"]
