"""Nominating by name with the people picker's field, without JavaScript: names (diacritics optional) or codes,
resolved in the HR officer's training scope; unknown or out-of-scope people are named and nothing is written."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("typed", ["nguyen van an", "A001", "a001"])
def test_nominating_by_name_on_screen(login, klass, people, cast, typed):
    response = login(cast["hr"]).post(reverse("training:class-nominate", args=[klass.pk]), {"staff_codes": typed})
    assert response.status_code == 302
    assert list(klass.enrollments.values_list("staff__staff_code", "status")) == [("A001", "confirmed")]


def test_nominating_refuses_unknown_and_out_of_scope_people_naming_them(login, klass, people, cast):
    response = login(cast["hr"]).post(
        reverse("training:class-nominate", args=[klass.pk]), {"staff_codes": "Nguyễn Văn An\nLê Văn Cường"}
    )
    assert response.status_code == 400
    assert "Không tìm thấy ai khớp với “Lê Văn Cường”." in response.content.decode()
    assert not klass.enrollments.exists()
