"""Factories for the fixed cast of every test. They write through the services where the service
computes something (unit paths, search names, unit history)."""

import itertools

import factory
from django.contrib.auth import get_user_model

from core.permissions import Role
from staff import services as staff_services
from staff.access import system_actor
from staff.models import Gender, RoleAssignment, StaffCategory, UnitKind

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


def make_unit(name: str, *, parent=None, kind=UnitKind.DIVISION, code: str | None = None):
    return staff_services.unit_create(
        actor=system_actor(), code=code or f"U{next(_seq):04d}", name=name, kind=kind, parent=parent
    )


def make_staff(unit, full_name: str = "Nguyễn Văn An", *, code: str | None = None, user=None, **fields):
    fields.setdefault("category", StaffCategory.CONG_CHUC)
    fields.setdefault("gender", Gender.MALE)
    person = staff_services.staff_create(
        actor=system_actor(), staff_code=code or f"S{next(_seq):05d}", full_name=full_name, unit=unit, **fields
    )
    if user is not None:
        person.user = user
        person.save(update_fields=["user"])
    return person


def grant(user, role: str, unit, *, include_subunits: bool = True):
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, include_subunits=include_subunits)
    from staff.access import forget_grants

    forget_grants(user)
    return assignment


__all__ = ["Role", "UserFactory", "grant", "make_staff", "make_unit"]
