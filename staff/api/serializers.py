"""One serializer per resource, over the querysets of staff.selectors (joins done there)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from staff.models import RoleAssignment, Staff, Unit


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "parent_code", "depth", "active", "version"]
        read_only_fields = ["depth", "version"]
        extra_kwargs = {"kind": {"required": True}}


class StaffSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Staff
        fields = [
            "id",
            "staff_code",
            "full_name",
            "gender",
            "date_of_birth",
            "unit",
            "unit_code",
            "unit_name",
            "category",
            "job_position",
            "rank_code",
            "rank_name",
            "position_title",
            "email",
            "phone",
            "start_date",
            "status",
            "version",
        ]
        read_only_fields = ["version"]


class RoleAssignmentSerializer(serializers.ModelSerializer):
    username = serializers.SlugRelatedField(
        source="user", slug_field="username", queryset=get_user_model().objects.all()
    )
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "username", "role", "unit", "unit_code", "include_subunits", "granted_at"]
        read_only_fields = ["granted_at"]


class PersonSuggestionSerializer(serializers.ModelSerializer):
    """A suggestion of the people picker outside training: who, where, rank (no training figures)."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "staff_code", "full_name", "unit_code", "unit_name", "rank_code", "rank_name"]
        read_only_fields = fields
