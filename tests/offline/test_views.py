import hashlib
import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from offline import shell
from offline.strings import JS_STRINGS
from staff.access import system_actor

PAGES = ["offline:home", "offline:assignments", "offline:classes", "offline:outbox"]


def test_manifest_is_valid_json_named_congvu_in_vietnamese(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content.decode("utf-8"))
    assert data["name"] == "CongVu"
    assert data["short_name"] == "CongVu"
    assert data["lang"] == "vi"
    assert data["description"] == "Kiểm tra và điểm danh trên máy tính bảng, có hoặc không có mạng."
    assert data["start_url"] == "/offline/"
    assert data["scope"] == "/"
    assert data["display"] == "standalone"
    assert [s["name"] for s in data["shortcuts"]] == ["Việc được giao", "Lớp của tôi", "Chờ đồng bộ"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert sizes == {
        ("any", "any"),
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }


@pytest.mark.parametrize("size", [192, 512])
def test_manifest_icons_are_served_pngs_of_their_size(client, size):
    data = client.get("/manifest.webmanifest").json()
    for icon in data["icons"]:
        if icon["sizes"] != f"{size}x{size}":
            continue
        path = shell.finders.find(icon["src"].removeprefix("/static/"))
        image = Image.open(io.BytesIO(open(path, "rb").read()))
        assert image.format == "PNG"
        assert image.size == (size, size)


def test_committed_icons_are_what_the_drawing_makes():
    from offline.icons import icon_files

    for name, data in icon_files().items():
        path = shell.finders.find(f"offline/icons/{name}")
        assert hashlib.sha256(open(path, "rb").read()).hexdigest() == hashlib.sha256(data).hexdigest(), name


def test_service_worker_is_served_at_the_root_with_its_headers(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache, max-age=0"
    body = response.content.decode()
    first_line, rest = body.split("\n", 1)
    assert first_line.startswith("self.CONGVU_SHELL = ") and first_line.endswith(";")
    config = json.loads(first_line.removeprefix("self.CONGVU_SHELL = ").removesuffix(";"))
    assert config["pages"] == ["/offline/", "/offline/assignments/", "/offline/classes/", "/offline/outbox/"]
    assert config["fallback"] == "/offline/outbox/"
    assert config["api"] == "/api/v1/"
    assert "/static/offline/outbox.js" in config["assets"]
    assert "/static/css/app.css" in config["assets"]
    assert "/static/offline/icons/icon-512.png" in config["assets"]
    assert len(config["version"]) == 16
    assert rest == shell.WORKER_SOURCE.read_text(encoding="utf-8")


def test_service_worker_never_caches_writes():
    source = shell.WORKER_SOURCE.read_text(encoding="utf-8")
    assert 'if (request.method !== "GET") return;' in source


def test_every_shell_asset_exists_so_the_worker_can_install():
    missing = [name for name in shell.SHELL_ASSETS if not shell.finders.find(name)]
    assert missing == []


def test_cache_version_changes_when_a_kept_file_changes(monkeypatch):
    before = shell.worker_config()["version"]
    monkeypatch.setattr(
        shell, "_file_digest", lambda relative: "changed" if relative == "offline/outbox.js" else "same"
    )
    changed = shell.worker_config()["version"]
    monkeypatch.setattr(shell, "_file_digest", lambda relative: "same")
    same = shell.worker_config()["version"]
    assert len({before, changed, same}) == 3


@pytest.mark.parametrize("name", PAGES)
def test_offline_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("inspector", {"offline:home", "offline:assignments", "offline:outbox"}),
        ("hr", {"offline:home", "offline:classes", "offline:outbox"}),
        ("unit_head", {"offline:home", "offline:assignments", "offline:outbox"}),
        ("admin", set(PAGES)),
        ("member", set()),
        ("nobody", set()),
    ],
)
def test_offline_pages_follow_the_permissions(login, cast, username, allowed):
    client = login(cast[username])
    served = {name for name in PAGES if client.get(reverse(name)).status_code == 200}
    assert served == allowed


def test_shell_page_has_strict_csp_and_no_inline_script(login, cast):
    response = login(cast["inspector"]).get(reverse("offline:assignments"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "worker-src 'self'" in csp
    assert "manifest-src 'self'" in csp
    html = response.content.decode()
    assert '<script type="module" src="/static/offline/assignments.js"></script>' in html
    assert "<script>" not in html and "style=" not in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html


def test_shell_page_carries_its_config_and_translated_strings(login, cast):
    response = login(cast["inspector"]).get(reverse("offline:outbox"))
    html = response.content.decode()
    config = json.loads(response.context["config_json"])
    assert config["user"] == str(cast["inspector"].pk)
    assert config["page"] == "outbox"
    assert config["pages"]["outbox"] == "/offline/outbox/"
    assert config["upload_max_bytes"] == 10 * 1024 * 1024
    assert '<li data-key="status.sent">Đã gửi</li>' in html
    assert '<li data-key="status.refused">Bị từ chối</li>' in html
    assert html.count('<li data-key="') == len(JS_STRINGS) + 5


def test_every_script_string_is_translated_into_vietnamese():
    from django.utils import translation

    with translation.override("en"):
        english = {key: str(text) for key, text in JS_STRINGS.items()}
    with translation.override("vi"):
        untranslated = [key for key, text in JS_STRINGS.items() if str(text) == english[key]]
    assert untranslated == []


def test_a_trainer_who_is_a_plain_staff_member_gets_my_classes(login, cast, tree):
    import datetime as dt

    from training import services as training_services
    from training.models import CourseCategory

    course = training_services.course_create(
        actor=system_actor(),
        code="VHCV-01",
        title="Văn hóa công vụ",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=240,
        owner_unit=tree["alpha"],
    )
    klass = training_services.class_create(
        actor=system_actor(),
        course=course,
        code="L-001",
        unit=tree["alpha"],
        capacity=10,
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 1),
    )
    client = login(cast["member"])
    assert client.get(reverse("offline:classes")).status_code == 404
    klass.trainer_users.add(cast["member"])
    served = {name for name in PAGES if client.get(reverse(name)).status_code == 200}
    assert served == {"offline:home", "offline:classes", "offline:outbox"}
    config = json.loads(client.get(reverse("offline:classes")).context["config_json"])
    assert config["keep"] == ["/offline/", "/offline/classes/", "/offline/outbox/"]
    assert config["api"]["classes"] == "/api/v1/my-classes/"
    assert config["api"]["attendance"] == "/api/v1/sessions/{session}/attendance/"


def test_shell_page_names_the_api_routes_it_syncs_with(login, cast):
    config = json.loads(login(cast["inspector"]).get(reverse("offline:assignments")).context["config_json"])
    assert config["api"] == {
        "assignments": "/api/v1/my-assignments/",
        "classes": "/api/v1/my-classes/",
        "inspections": "/api/v1/inspections/",
        "inspection": "/api/v1/inspections/{id}/",
        "upload": "/api/v1/evidence-uploads/{sha256}/",
        "attendance": "/api/v1/sessions/{session}/attendance/",
        "attendance_method": "PUT",
    }
    assert config["keep"] == ["/offline/", "/offline/assignments/", "/offline/outbox/"]


def test_dashboard_card_leads_inspectors_and_trainers_to_the_offline_pages(login, cast):
    from offline.dashboard import cards

    assert cards(cast["inspector"]) == [
        {
            "title": "Làm việc ngoại tuyến",
            "value": None,
            "url": "/offline/",
            "note": "Phiếu kiểm tra và điểm danh khi không có mạng",
        }
    ]
    assert len(cards(cast["hr"])) == 1
    assert cards(cast["member"]) == []
    response = login(cast["inspector"]).get(reverse("dashboard"))
    assert '<a class="card tile" href="/offline/">' in response.content.decode()
