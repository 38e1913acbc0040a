from django.contrib import admin

from apps.escalation.models import (
    Contact,
    Delivery,
    EscalationLevel,
    EscalationPolicy,
    EscalationTimer,
    Holiday,
    OnCallOverride,
    OnCallSlot,
    Rotation,
    RotationMember,
)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "role", "email", "phone", "is_active"]
    list_filter = ["site", "role", "is_active"]
    search_fields = ["name", "email"]


@admin.register(OnCallSlot)
class OnCallSlotAdmin(admin.ModelAdmin):
    list_display = ["site", "role", "weekday", "shift_name", "contact"]
    list_filter = ["site", "role"]


@admin.register(OnCallOverride)
class OnCallOverrideAdmin(admin.ModelAdmin):
    list_display = ["site", "role", "contact", "starts_at", "ends_at", "note"]
    list_filter = ["site", "role"]


class LevelInline(admin.TabularInline):
    model = EscalationLevel
    extra = 0


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    list_display = ["site", "applies_to", "case_kind", "severity", "request_type", "step_name", "is_active"]
    list_filter = ["site", "applies_to", "is_active"]
    inlines = [LevelInline]


@admin.register(EscalationTimer)
class EscalationTimerAdmin(admin.ModelAdmin):
    list_display = ["case", "approval_step", "next_level", "due_at", "state", "claimed_at", "stopped_reason"]
    list_filter = ["state"]
    raw_id_fields = ["case", "approval_step"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["at", "case", "level", "contact", "channel", "address", "ok", "attempts", "possibly_repeated"]
    list_filter = ["channel", "ok"]
    raw_id_fields = ["case", "approval_step"]


class RotationMemberInline(admin.TabularInline):
    model = RotationMember
    extra = 0


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ["site", "role", "name", "period", "starts_on", "for_holidays"]
    list_filter = ["site", "role", "for_holidays"]
    inlines = [RotationMemberInline]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["site", "date", "name"]
    list_filter = ["site"]
