"""The work every request does: the grants read compiled once, the second-factor URLs reversed once,
the FilterSet skipped when no filter is asked for, and the garbage collector kept off loaded objects."""

import datetime as dt
import gc

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from core import heap
from core.api import FilterBackend
from core.middleware import second_factor_urls
from core.permissions import Grant, _grant_rows, forget_grants, grants, own_record_in_scope
from core.prepared import PreparedRead
from staff.models import RoleAssignment
from tests.factories import grant
from training import services
from training.api.views import TrainingClassViewSet
from training.models import CourseCategory
from training.selectors import class_list


# ----------------------------------------------------------------------------------------- grants
def test_grants_read_gives_the_orm_rows_in_one_query(cast, tree):
    user = cast["member"]  # no sub-units, and a staff record of their own
    grant(user, "hr", tree["beta"])
    with CaptureQueriesContext(connection) as ctx:
        found = grants(user)
    assert len(ctx.captured_queries) == 1
    assert found == [  # ordered by role
        Grant("hr", tree["beta"].pk, tree["beta"].path, True),
        Grant("staff", tree["alpha1"].pk, tree["alpha1"].path, False),
    ]
    assert [type(g.include_subunits) for g in found] == [bool, bool]
    assert _grant_rows(user.pk).count() == 2
    assert sorted(PreparedRead(_grant_rows).rows(user.pk)) == sorted(_grant_rows(user.pk))
    assert own_record_in_scope(user, "self.view") is True


def test_grants_of_a_user_without_roles_are_empty(cast):
    forget_grants(cast["nobody"])
    assert grants(cast["nobody"]) == []
    assert own_record_in_scope(cast["nobody"], "self.view") is False


def test_grants_skip_a_deactivated_unit(cast, tree):
    tree["beta"].active = False
    tree["beta"].save(update_fields=["active"])
    forget_grants(cast["outsider_hr"])
    assert grants(cast["outsider_hr"]) == []


def test_prepared_read_goes_through_the_orm_when_an_argument_does_not_fit_the_column(cast):
    read = PreparedRead(_grant_rows)
    assert read.rows(str(cast["hr"].pk)) == list(_grant_rows(cast["hr"].pk))


def test_prepared_read_goes_through_the_orm_when_the_marker_is_not_a_parameter(cast):
    calls = []

    def build(user_id):
        calls.append(user_id)
        return RoleAssignment.objects.filter(user__username="hr").values_list("role", flat=False)

    read = PreparedRead(build)
    assert read.rows(cast["hr"].pk) == [("hr",)]
    assert read.rows(cast["hr"].pk) == [("hr",)]
    assert len(calls) == 3  # the marker build, then the ORM for each call


# ------------------------------------------------------------------------------- second factor
def test_second_factor_urls_follow_the_script_prefix():
    assert second_factor_urls() == ("/audit/two-step/verify/", "/audit/two-step/")
    set_script_prefix("/congvu/")
    try:
        assert second_factor_urls() == ("/congvu/audit/two-step/verify/", "/congvu/audit/two-step/")
    finally:
        clear_script_prefix()
    assert second_factor_urls() == ("/audit/two-step/verify/", "/audit/two-step/")


# ---------------------------------------------------------------------------------- API filters
def _filter(backend, user, query: str):
    request = Request(RequestFactory().get(f"/api/v1/classes/{query}"))
    request.user = user
    view = TrainingClassViewSet(request=request, format_kwarg=None, action="list")
    return backend.filter_queryset(request, class_list(user=user), view)


@pytest.fixture
def classes(cast, tree):
    course = services.course_create(
        actor=None,
        code="VHCV-01",
        title="Văn hóa công vụ",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=240,
        owner_unit=tree["alpha"],
    )
    made = []
    for unit, year in ((tree["alpha"], 2025), (tree["alpha1"], 2026)):
        made.append(
            services.class_create(
                actor=None,
                course=course,
                unit=unit,
                code=f"L-{unit.code}",
                start_date=dt.date(year, 3, 1),
                end_date=dt.date(year, 3, 5),
                capacity=30,
            )
        )
    return made


@pytest.mark.parametrize(
    "query", ["", "?page=2", "?page_size=1", "?format=json", "?year=2026", "?unit=0", "?q=alpha-1", "?statusx=1"]
)
def test_filter_backend_gives_what_django_filter_gives(cast, classes, query):
    def outcome(backend):
        try:
            return sorted(_filter(backend, cast["hr"], query).values_list("code", flat=True))
        except ValidationError as exc:
            return exc.detail

    assert outcome(FilterBackend()) == outcome(DjangoFilterBackend())


def test_filter_backend_still_filters_and_refuses_bad_values(cast, classes, tree):
    assert list(_filter(FilterBackend(), cast["hr"], "").values_list("code", flat=True).order_by("code")) == [
        "L-ALPHA",
        "L-ALPHA-1",
    ]
    assert list(_filter(FilterBackend(), cast["hr"], "?year=2026").values_list("code", flat=True)) == ["L-ALPHA-1"]
    assert list(_filter(FilterBackend(), cast["hr"], f"?unit={tree['alpha1'].pk}").values_list("code", flat=True)) == [
        "L-ALPHA-1"
    ]
    with pytest.raises(ValidationError) as refused:
        _filter(FilterBackend(), cast["hr"], "?year=abc")
    assert list(refused.value.detail) == ["year"]


# ------------------------------------------------------------------------------------ the heap
def test_loaded_objects_are_frozen_after_the_first_requests(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(heap, "_started", 0)
    heap.freeze_loaded_objects()  # the first request: nothing loaded yet by requests
    assert gc.get_freeze_count() == 0
    kept = [object() for _ in range(10)]  # noqa: F841
    heap.freeze_loaded_objects()  # the second: what the first loaded is frozen
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    for _ in range(9):  # the 3rd to the 11th request
        heap.freeze_loaded_objects()
    assert gc.get_freeze_count() > 0  # after the 10th again
    gc.unfreeze()
    heap.freeze_loaded_objects()
    assert gc.get_freeze_count() == 0  # not after the 11th (12th request)


def test_a_cycle_made_after_the_freeze_is_still_collected(monkeypatch):
    import weakref

    monkeypatch.setattr(heap, "_started", 1)
    heap.freeze_loaded_objects()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    del a, b
    gc.collect()
    assert alive() is None
    gc.unfreeze()


# ------------------------------------------------------------------------------ fixed partials
def test_fixed_include_prints_what_include_prints_in_each_language_and_prefix(settings):
    from django.template import engines
    from django.utils import translation

    settings.DEBUG = False
    include = engines["django"].from_string('{% include "training/_nav.html" %}')
    fixed = engines["django"].from_string('{% load fixed_partials %}{% fixed_include "training/_nav.html" %}')
    for prefix in ("/", "/congvu/"):
        set_script_prefix(prefix)
        try:
            for language in ("vi", "en", "vi"):
                with translation.override(language):
                    expected = include.render({})
                    assert fixed.render({}) == expected
                    assert f'href="{prefix}training/classes/"' in expected
        finally:
            clear_script_prefix()
    with translation.override("en"):
        assert ">Classes</a>" in fixed.render({})


# ----------------------------------------------------------------------------------- sessions
def test_session_store_reads_what_django_stored_in_one_query(db):
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from core.sessions import SessionStore

    stored = DjangoStore()
    stored.update({"_auth_user_id": "7", "_congvu_seen": 1_700_000_000, "name": "Nguyễn Văn An"})
    stored.create()
    with CaptureQueriesContext(connection) as ctx:
        loaded = SessionStore(stored.session_key)
        data = dict(loaded.items())
    assert data == {"_auth_user_id": "7", "_congvu_seen": 1_700_000_000, "name": "Nguyễn Văn An"}
    assert len(ctx.captured_queries) == 1
    assert loaded.session_key == stored.session_key


def test_session_store_forgets_an_expired_or_unknown_session(db):
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session

    from core.sessions import SessionStore

    stored = DjangoStore()
    stored["_auth_user_id"] = "7"
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    for key in (stored.session_key, "unknownsessionkey0123456789abcd"):
        loaded = SessionStore(key)
        assert dict(loaded.items()) == {}
        assert loaded.session_key is None  # a new key is made if anything is stored, as Django does


def test_session_store_writes_like_django(db):
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from core.sessions import SessionStore

    store = SessionStore()
    store["n"] = 1
    store.save()
    assert DjangoStore(store.session_key)["n"] == 1
    again = SessionStore(store.session_key)
    again["n"] = 2
    again.save()
    assert SessionStore(store.session_key)["n"] == 2


def test_prepared_read_takes_strings_and_aware_datetimes(db):
    from django.contrib.sessions.models import Session

    def build(key, now):
        return Session.objects.filter(session_key=key, expire_date__gt=now).values_list("session_key")

    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now() + dt.timedelta(hours=1))
    read = PreparedRead(build)
    soon, later = timezone.now(), timezone.now() + dt.timedelta(hours=2)
    assert read.rows("k" * 32, soon) == [("k" * 32,)] == list(build("k" * 32, soon))
    assert read.rows("k" * 32, later) == [] == list(build("k" * 32, later))
    assert read.rows("x" * 32, soon) == []


# -------------------------------------------------------------------------------- signed-in user
def _user_fields_of(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in type(user)._meta.concrete_fields}


def test_the_signed_in_user_is_read_in_one_prepared_query_as_the_model_backend_reads_it(cast):
    from django.contrib.auth.backends import ModelBackend

    from core.security import _USER_ROW, UserBackend

    user = cast["hr"]
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    with CaptureQueriesContext(connection) as ctx:
        loaded = UserBackend().get_user(str(user.pk))
    assert len(ctx.captured_queries) == 1
    assert _user_fields_of(loaded) == _user_fields_of(ModelBackend().get_user(str(user.pk)))
    assert type(loaded.is_active) is bool and loaded.last_login.tzinfo is not None  # the ORM's converters
    assert loaded._state.adding is False and loaded._state.db == "default"
    # The SQL was compiled on this database (a marker out of the id column's range compiles to nothing).
    assert all(compiled is not None for compiled in _USER_ROW._compiled.values())


def test_an_inactive_unknown_or_malformed_user_id_signs_nobody_in(cast):
    from core.security import UserBackend

    user = cast["hr"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert UserBackend().get_user(str(user.pk)) is None
    assert UserBackend().get_user("987654") is None
    assert UserBackend().get_user("not-a-number") is None


def test_a_session_signed_in_through_djangos_model_backend_stays_signed_in(client, cast):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    client.force_login(cast["hr"])
    session = client.session
    assert session[BACKEND_SESSION_KEY] == "core.security.UserBackend"
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # as sessions made before
    session.save()
    assert SESSION_KEY in session and HASH_SESSION_KEY in session
    response = client.get("/api/v1/staff/")
    assert response.status_code == 200
    assert response.wsgi_request.user == cast["hr"]


def test_prepared_rows_pass_through_the_orms_converters(cast):
    from django.contrib.auth import get_user_model

    def build(user_id):
        return (
            get_user_model().objects.filter(pk=user_id).values_list("is_active", "is_staff", "date_joined", "username")
        )

    read = PreparedRead(build)
    assert read.rows(cast["hr"].pk) == list(build(cast["hr"].pk))
    assert read.rows(cast["hr"].pk) == [(True, False, cast["hr"].date_joined, "hr")]


def test_prepared_in_list_is_compiled_once_per_length_and_gives_the_orms_rows(cast):
    from django.contrib.auth import get_user_model

    def build(ids, name):
        return get_user_model().objects.filter(pk__in=ids).exclude(username=name).order_by("pk").values_list("username")

    read = PreparedRead(build)
    pks = tuple(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
    for ids in (pks, pks[:1], pks[2:], pks[:1], (987654,) + pks[:2]):
        with CaptureQueriesContext(connection) as ctx:
            got = read.rows(ids, "hr")
        assert len(ctx.captured_queries) == 1
        assert got == list(build(ids, "hr"))
    assert len(read._compiled) == 4  # one statement per length
    assert all(compiled is not None for compiled in read._compiled.values())
    assert read.rows((), "hr") == []  # an empty list goes through the ORM (no statement)
