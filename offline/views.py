"""The installable app: service worker, manifest and the offline pages (an app shell whose
scripts work from what IndexedDB keeps). Thin: every figure comes from the API bundles."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin, has_perm
from offline.shell import worker_script
from offline.strings import ATTENDANCE_LABELS, JS_STRINGS
from training.models import TrainingClass

FILL_PERMS = (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)
CLASS_PERMS = (Perm.TRAINING_ATTEND, Perm.OWN_RECORD)  # trainers may be plain staff: see may_take_attendance
ANY_OFFLINE_PERMS = FILL_PERMS + CLASS_PERMS

THEME_COLOR = "#1f4e79"
BACKGROUND_COLOR = "#f5f7fa"


@require_GET
def service_worker(request):
    """The worker at the root so it may control every page (scope "/"); never cached by the
    browser's HTTP cache, so a new version is seen on the next visit."""
    response = HttpResponse(worker_script(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache, max-age=0"
    return response


@require_GET
def manifest(request):
    """Web app manifest (public: browsers fetch it without cookies). Always Vietnamese."""
    with translation.override("vi"):
        data = {
            "id": reverse("offline:home"),
            "name": "CongVu",
            "short_name": "CongVu",
            "description": _("Inspections and attendance on a tablet, with or without network."),
            "lang": "vi",
            "dir": "ltr",
            "start_url": reverse("offline:home"),
            "scope": "/",
            "display": "standalone",
            "orientation": "any",
            "theme_color": THEME_COLOR,
            "background_color": BACKGROUND_COLOR,
            "icons": [
                {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("offline/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("offline/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("offline/icons/icon-192-maskable.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {
                    "src": static("offline/icons/icon-512-maskable.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
            "shortcuts": [
                {"name": pgettext("offline page", "My assignments"), "url": reverse("offline:assignments")},
                {"name": pgettext("offline page", "My classes"), "url": reverse("offline:classes")},
                {"name": pgettext("offline page", "Outbox"), "url": reverse("offline:outbox")},
            ],
        }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "no-cache, max-age=0"
    return response


def _url_or_empty(name: str, **placeholders) -> str:
    """An API route owned by another app, as a template for the scripts ("{sha256}" etc. are filled
    in there). An empty value tells the scripts the route is not there (yet)."""
    sentinels = {
        key: f"999999{index}" if key in ("id", "pk", "session") else f"{index:064x}"
        for index, key in enumerate(placeholders)
    }
    try:
        url = reverse(name, kwargs={placeholders[key]: value for key, value in sentinels.items()} or None)
    except NoReverseMatch:
        return ""
    for key, value in sentinels.items():
        url = url.replace(value, "{" + key + "}")
    return url


def may_take_attendance(user) -> bool:
    """Attendance is taken by holders of the attendance permission and by the trainers named on a
    class (who may be plain staff members), as the training app decides."""
    if has_perm(user, Perm.TRAINING_ATTEND):
        return True
    return has_perm(user, Perm.OWN_RECORD) and TrainingClass.objects.attendable_by(user).exists()


class ShellPageView(ScopedViewMixin, TemplateView):
    """One offline page. Its HTML holds no data: the scripts read IndexedDB and the API."""

    page = ""

    def allowed(self, user) -> bool:
        """Beyond the permission: someone with work to do offline (fills checklists or takes attendance)."""
        return has_perm(user, FILL_PERMS) or may_take_attendance(user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        config = {
            "user": str(user.pk),
            "page": self.page,
            "pages": {
                "home": reverse("offline:home"),
                "assignments": reverse("offline:assignments"),
                "classes": reverse("offline:classes"),
                "outbox": reverse("offline:outbox"),
            },
            # The record on the server, linked from a sent outbox item.
            "records": {
                "inspection": _url_or_empty("inspections:inspection-detail", id="pk"),
                "class": _url_or_empty("training:class-detail", id="pk"),
            },
            "api": {
                "assignments": _url_or_empty("my-assignments"),
                "classes": _url_or_empty("my-classes"),
                "inspections": _url_or_empty("inspection-list"),
                "inspection": _url_or_empty("inspection-detail", id="pk"),
                "upload": _url_or_empty("evidence-upload-detail", sha256="sha256"),
                "attendance": _url_or_empty("session-attendance", session="pk"),
                "attendance_method": "PUT",
            },
            "keep": [
                reverse(name)
                for name, allowed in (
                    ("offline:home", True),
                    ("offline:assignments", has_perm(user, FILL_PERMS)),
                    ("offline:classes", may_take_attendance(user)),
                    ("offline:outbox", True),
                )
                if allowed
            ],
            "upload_max_bytes": getattr(settings, "EVIDENCE_MAX_BYTES", settings.UPLOAD_MAX_BYTES),
            "sw": reverse("offline:sw"),
        }
        context.update(
            config_json=json.dumps(config),
            strings=JS_STRINGS,
            attendance_labels=ATTENDANCE_LABELS,
            can_fill=has_perm(user, FILL_PERMS),
            can_take_attendance=may_take_attendance(user),
        )
        return context


@require_GET
def unavailable(request):
    """What the service worker shows for any page opened without network: links to what works
    offline. The same for everyone (no name, no data), so one kept copy serves every user."""
    return render(request, "offline/unavailable.html", {"pages": _offline_links()})


def _offline_links() -> list[tuple[str, str]]:
    return [
        (reverse("offline:home"), pgettext("offline page", "Work offline")),
        (reverse("offline:assignments"), _("Checklists to fill")),
        (reverse("offline:classes"), pgettext("offline page", "My classes")),
        (reverse("offline:outbox"), pgettext("offline page", "Outbox")),
    ]


class HomeView(ShellPageView):
    required_perm = ANY_OFFLINE_PERMS
    template_name = "offline/home.html"
    page = "home"


class AssignmentsView(ShellPageView):
    required_perm = FILL_PERMS
    template_name = "offline/work_list.html"
    page = "assignments"
    heading = pgettext_lazy("offline page", "My assignments")
    back_label = gettext_lazy("Back to my assignments")
    script = "offline/assignments.js"

    def allowed(self, user) -> bool:
        return True  # the permission says it all


class ClassesView(ShellPageView):
    required_perm = CLASS_PERMS
    template_name = "offline/work_list.html"
    page = "classes"
    heading = pgettext_lazy("offline page", "My classes")
    back_label = gettext_lazy("Back to my classes")
    script = "offline/classes.js"

    def allowed(self, user) -> bool:
        return may_take_attendance(user)


class OutboxView(ShellPageView):
    required_perm = ANY_OFFLINE_PERMS
    template_name = "offline/outbox.html"
    page = "outbox"
