"""core.text: the one normaliser for text entering the database, and the data migration's cleaner."""

import unicodedata

from django.apps import apps

from core.text import clean_app_rows, clean_text, fold
from staff.models import Staff, Unit

NFD = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")


def test_clean_text_drops_controls_normalises_to_nfc_and_trims():
    assert clean_text("  Tra\u0302\u0300n\u000bThị\x01 Tab\x7f ", multiline=False) == "Trần Thị Tab"
    assert clean_text("dòng 1\u000bdòng 2\x0cdòng 3\u2028x") == "dòng 1\ndòng 2\ndòng 3\nx"
    assert clean_text("a\tb\r\nc") == "a\tb\r\nc"  # tab and CR LF are kept as typed
    assert clean_text(NFD) == "Nguyễn Thị Hằng" and len(clean_text(NFD)) == 15
    assert clean_text(None) is None


def test_fold_treats_nfc_and_nfd_as_one():
    assert fold(NFD) == fold("Nguyễn Thị Hằng") == "nguyen thi hang"


def test_every_saved_text_field_is_cleaned_history_included(people):
    person = people["an"]
    person.full_name = f" {NFD}\u000b(2)\x00 "
    person.save()
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Hằng (2)"
    assert person.history.latest().full_name == "Nguyễn Thị Hằng (2)"


def test_data_migration_cleaner_fixes_rows_written_around_the_models(people, tree):
    Staff.objects.filter(pk=people["an"].pk).update(full_name=f"{NFD}\u000bA ")
    Unit.objects.filter(pk=tree["alpha"].pk).update(name="Sở\x01 Alpha")
    history = people["an"].history.model
    history.objects.filter(id=people["an"].pk).update(full_name="Cũ\x0bTên")
    assert clean_app_rows(apps, "staff") == 2
    assert clean_app_rows(apps, "audit") >= 1
    assert Staff.objects.get(pk=people["an"].pk).full_name == "Nguyễn Thị Hằng A"
    assert Unit.objects.get(pk=tree["alpha"].pk).name == "Sở Alpha"
    assert set(history.objects.filter(id=people["an"].pk).values_list("full_name", flat=True)) == {"Cũ Tên"}
    assert clean_app_rows(apps, "staff") == 0  # nothing left to clean
