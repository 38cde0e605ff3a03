"""Staff directory to Excel, from the same filtered queryset as the screen."""

from django.utils.translation import gettext as _

from core.xlsx import XlsxWriter
from staff.models import Gender, StaffCategory, StaffStatus


def staff_directory_xlsx(*, staff_qs, handle_large: bool = False):
    writer = XlsxWriter()
    writer.sheet(
        _("Staff"),
        [
            _("Staff code"),
            _("Full name"),
            _("Gender"),
            _("Date of birth"),
            _("Unit code"),
            _("Unit"),
            _("Category"),
            _("Job position"),
            _("Rank code"),
            _("Rank"),
            _("Position title"),
            _("E-mail"),
            _("Phone"),
            _("Start date"),
            _("Status"),
        ],
        widths=[14, 28, 10, 14, 14, 36, 14, 28, 12, 22, 24, 28, 16, 14, 14],
    )
    # Plain tuples and choice labels translated once: building a model instance and calling
    # get_FOO_display() three times per row cost more than writing the row.
    genders, categories, statuses = _labels(Gender), _labels(StaffCategory), _labels(StaffStatus)
    rows = staff_qs.values_list(
        "staff_code",
        "full_name",
        "gender",
        "date_of_birth",
        "unit__code",
        "unit__name",
        "category",
        "job_position",
        "rank_code",
        "rank_name",
        "position_title",
        "email",
        "phone",
        "start_date",
        "status",
    )
    for r in rows.iterator(chunk_size=2000):
        writer.row(
            [
                r[0],
                r[1],
                genders.get(r[2], r[2]),
                r[3],
                r[4],
                r[5],
                categories.get(r[6], r[6]),
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                statuses.get(r[14], r[14]),
            ]
        )
    return writer.save_to_tempfile() if handle_large else writer.save()


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}
