"""Findings: the register (each finding with its state and corrective actions) and one finding."""

from __future__ import annotations

from rest_framework import mixins, viewsets

from core.permissions import Perm
from inspections import selectors
from inspections.api import serializers as s
from inspections.filters import FindingFilterSet

FINDING_READ = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilterSet
    read_perm = FINDING_READ

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user)
