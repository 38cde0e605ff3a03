"""Messages of shared modules this app relies on (core/images.py), so that this app's catalogue
carries their Vietnamese translation (the project catalogue belongs to the foundation)."""

from django.utils.translation import get_language, gettext, gettext_noop

from inspections.models.choices import AnswerType

CORE_IMAGE_MESSAGES = [
    gettext_noop("The file is empty."),
    gettext_noop("The photo is %(size).1f MB; the limit is %(limit).1f MB."),
    gettext_noop("The photo has %(pixels)s pixels; the limit is %(limit)s."),
    gettext_noop("The photo is too large to open safely."),
    gettext_noop("The file is not an image (JPEG, PNG or WebP)."),
    gettext_noop("Images of type %(type)s are not accepted; use JPEG, PNG or WebP."),
]

# Labels of the scorecards drill-down links to this app's corrective-actions register
# (scorecards/links.py); translated here, next to the screen they open.
SCORECARD_LINK_MESSAGES = [
    gettext_noop("Corrective actions due in the period"),
    gettext_noop("Overdue corrective actions"),
]


PROHIBITION_STARTS = ("không ", "cấm ", "nghiêm cấm ", "tuyệt đối không ")


def is_prohibition(item) -> bool:
    """A rule phrased as a prohibition ("Không hút thuốc lá…"): answered Đạt / Không đạt, never the
    double negative Có / Không."""
    return bool(item) and (item.text_vi or "").strip().lower().startswith(PROHIBITION_STARTS)


def scale_labels() -> dict[str, str]:
    return {
        "0": gettext("0 – Not done"),
        "1": gettext("1 – Poor"),
        "2": gettext("2 – Fair"),
        "3": gettext("3 – Good"),
        "4": gettext("4 – Very good"),
    }


def answer_choices(item) -> list[tuple[str, str]]:
    """The answer set of an item, by its kind: Yes / No / N/A; Met / Not met / N/A for a prohibition;
    a labelled 0–4 scale. The stored values stay yes / no / na and 0–4."""
    if item.answer_type == AnswerType.YES_NO_NA:
        return list(answer_labels(item).items())
    if item.answer_type == AnswerType.SCALE_0_4:
        return [*scale_labels().items(), ("na", gettext("Not applicable"))]
    return []


def choice_labels(item) -> list[tuple[str, str]]:
    """The choices of a list item (an imported XLSForm select), labelled in the interface language."""
    english = (get_language() or "vi").startswith("en")
    return [
        (str(c["name"]), (english and c.get("label_en")) or c.get("label_vi") or str(c["name"]))
        for c in (getattr(item, "choices", None) or [])
    ]


def answer_labels(item=None) -> dict[str, str]:
    if is_prohibition(item):
        return {"yes": gettext("Met"), "no": gettext("Not met"), "na": gettext("Not applicable")}
    return {"yes": gettext("Yes"), "no": gettext("No"), "na": gettext("Not applicable")}


def answer_label(value, item=None):
    """A stored answer as people read it, in the interface language, with the labels of the filling
    screen's buttons (Met / Not met for a prohibition, the 0–4 scale's words); numbers, dates and text
    as they are. Screens and workbooks alike."""
    labels = answer_labels(item)
    if item is not None and item.answer_type in (AnswerType.SELECT_ONE, AnswerType.SELECT_MULTIPLE):
        labels = {**labels, **dict(choice_labels(item))}
    if item is not None and item.answer_type == AnswerType.SCALE_0_4:
        labels = {**scale_labels(), "na": labels["na"]}
    return labels.get(value, value)
