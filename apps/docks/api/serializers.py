"""API shapes of the dock schedule. Inputs live in apps/docks/forms.py, shared with the screens."""

from rest_framework import serializers

from apps.docks.models import Appointment, DockDoor


class DockDoorSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", read_only=True)
    # Plain strings in the schema: one "direction" enum name per component set would collide.
    direction = serializers.CharField(read_only=True, help_text="inbound, outbound or both.")

    class Meta:
        model = DockDoor
        fields = ["id", "site", "name", "direction", "capabilities", "opens_at", "closes_at", "position"]


class AppointmentSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", read_only=True)
    door = serializers.IntegerField(source="door_id", read_only=True)
    door_name = serializers.CharField(source="door.name", read_only=True)
    direction = serializers.CharField(read_only=True, help_text="inbound or outbound.")
    # Plain strings in the schema (the enum names stay free for other apps' "status" fields).
    status = serializers.CharField(
        read_only=True, help_text="planned, arrived, at_door, working, done, no_show or cancelled."
    )
    # A move waiting for an approval (the site's dock rules ask for one): where it would go.
    pending_door = serializers.IntegerField(source="pending_door_id", read_only=True, allow_null=True)
    pending_start = serializers.DateTimeField(read_only=True, allow_null=True)
    pending_end = serializers.DateTimeField(read_only=True, allow_null=True)
    pending_approval_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The approval request the move waits for."
    )

    class Meta:
        model = Appointment
        fields = [
            "id", "site", "door", "door_name", "direction", "carrier", "reference", "picking_odoo_ids", "needs",
            "load_lines", "planned_start", "planned_end", "pinned", "status", "arrived_at", "on_door_at",
            "work_started_at", "off_door_at", "departed_at", "created_at", "updated_at",
            "pending_door", "pending_start", "pending_end", "pending_approval_id",
        ]  # fmt: skip


class ConflictSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="overlap, closed, out_of_service, too_short, capability or direction.")
    message = serializers.CharField()


class AppointmentDetailSerializer(AppointmentSerializer):
    state = serializers.CharField(help_text="What the screens mark: planned, late, conflict, overrun, …")
    detail = serializers.CharField()
    conflicts = ConflictSerializer(many=True)

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, "state", "detail", "conflicts"]


class DockSlotSerializer(serializers.Serializer):
    door = serializers.IntegerField(source="door.id")
    door_name = serializers.CharField(source="door.name")
    planned_start = serializers.DateTimeField(source="start")
    planned_end = serializers.DateTimeField(source="end")
