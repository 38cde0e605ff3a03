"""Staff directory to Excel, from the same filtered queryset as the screen."""

from django.utils.translation import gettext as _

from core.xlsx import XlsxWriter


def staff_directory_xlsx(*, staff_qs, handle_large: bool = False):
    writer = XlsxWriter()
    writer.sheet(
        _("Staff"),
        [
            _("Staff code"), _("Full name"), _("Gender"), _("Date of birth"), _("Unit code"), _("Unit"),
            _("Category"), _("Job position"), _("Rank code"), _("Rank"), _("Position title"), _("E-mail"),
            _("Phone"), _("Start date"), _("Status"),
        ],
        widths=[14, 28, 10, 14, 14, 36, 14, 28, 12, 22, 24, 28, 16, 14, 14],
    )
    for s in staff_qs.iterator(chunk_size=2000):
        writer.row(
            [
                s.staff_code, s.full_name, s.get_gender_display(), s.date_of_birth, s.unit.code, s.unit.name,
                s.get_category_display(), s.job_position, s.rank_code, s.rank_name, s.position_title, s.email,
                s.phone, s.start_date, s.get_status_display(),
            ]
        )
    return writer.save_to_tempfile() if handle_large else writer.save()
