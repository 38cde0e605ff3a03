"""Uploaded evidence is checked by content (core.uploads), kept without a public URL and served only to
those who may see its record: external-training evidence (the HR officer who approves it opens it;
another unit gets 404) and inspection photos (HEAD/PUT do not reveal a photo the caller cannot see; a
20 MB PUT gets a JSON answer)."""

import datetime as dt
import hashlib
import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import check_upload
from training import services
from training.models import ExternalTraining

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def jpeg(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def record(actor, person, name, data):
    return services.external_record(
        actor=actor,
        staff=person,
        title="Kỹ năng số",
        provider="Học viện",
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 2),
        periods=3,
        minutes=120,
        evidence=SimpleUploadedFile(name, data, content_type="application/pdf"),
    )


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("trang.html", b"<html><script>alert(1)</script></html>", "không được chấp nhận"),
        ("anh.jpg", b"<html><script>alert(1)</script></html>", "không được chấp nhận"),  # the name lies
        ("giay.pdf", b"%PDF-1.4 cut short", "PDF"),
    ],
)
def test_an_html_file_or_a_broken_pdf_is_refused_and_nothing_is_written(cast, people, media, name, data, message):
    with pytest.raises(ValidationError) as refused:
        record(cast["member"], people["binh"], name, data)
    text = " ".join(refused.value.message_dict["evidence"])
    assert message in text, text
    assert ExternalTraining.objects.count() == 0 and not any(media.rglob("*.*"))


def test_twenty_megabytes_of_random_bytes_are_refused(cast, people, media):
    with pytest.raises(ValidationError) as refused:
        record(cast["member"], people["binh"], "x.pdf", os.urandom(20 * 1024 * 1024))
    assert "20.0 MB" in " ".join(refused.value.message_dict["evidence"]).replace(",", ".")
    assert ExternalTraining.objects.count() == 0


def test_a_jpeg_is_reencoded_and_a_pdf_kept_and_neither_has_a_public_url(cast, people, media):
    photo = record(cast["member"], people["binh"], "anh.png", jpeg((3000, 1000)))
    stored = photo.evidence.read()
    assert stored.startswith(b"\xff\xd8\xff") and stored != jpeg((3000, 1000))
    assert Image.open(io.BytesIO(stored)).size == (2000, 667)  # re-made by Pillow, longest edge 2000
    assert photo.evidence.name.endswith(".jpg")
    pdf = record(cast["member"], people["binh"], "giay.pdf", PDF)
    assert pdf.evidence.read() == PDF and pdf.evidence.name.endswith(".pdf")
    with pytest.raises(ValueError):
        pdf.evidence.url  # noqa: B018 - no /media/ link can be made


def test_the_hr_officer_opens_the_evidence_and_another_unit_gets_404(client, cast, people, media):
    external = record(cast["member"], people["binh"], "giay.pdf", PDF)
    url = f"/training/external/{external.pk}/evidence/"
    client.force_login(cast["hr"])
    listing = client.get("/training/external/").content.decode()
    assert url in listing and "/media/" not in listing
    opened = client.get(url)
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == PDF
    assert opened["Content-Type"] == "application/pdf" and opened["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast["member"])  # the person themself
    assert client.get(url).status_code == 200
    for other in ("outsider_hr", "inspector"):
        client.force_login(cast[other])
        assert client.get(url).status_code == 404, other
    assert client.get(f"/training/external/{external.pk + 999}/evidence/").status_code == 404


def test_the_helper_refuses_other_types_unless_configured(settings):
    with pytest.raises(ValidationError):
        check_upload(b"PK\x03\x04 a zip")
    settings.UPLOAD_EXTRA_TYPES = {"application/zip": ("zip", b"PK\x03\x04")}
    assert check_upload(b"PK\x03\x04 a zip").extension == "zip"


# ---------------------------------------------------------------------------------- inspection photos
def test_evidence_head_and_put_do_not_reveal_a_photo_the_caller_cannot_see(api, cast, media):
    from django.contrib.auth.models import User

    from core.permissions import Role
    from inspections import services as insp
    from staff.models import Unit
    from tests.conftest import grant

    data = jpeg()
    sha = hashlib.sha256(data).hexdigest()
    insp.evidence_store(actor=cast["inspector"], sha256=sha, data=data)
    other = User.objects.create_user("other_inspector", password="x" * 20)
    grant(other, Role.INSPECTOR, Unit.objects.get(code="BETA"))
    url = f"/api/v1/evidence-uploads/{sha}/"
    unknown = f"/api/v1/evidence-uploads/{'0' * 64}/"
    client = api(other)
    head, never = client.head(url), client.head(unknown)
    assert head.status_code == never.status_code == 404
    assert client.get(url).status_code == 404
    # a wrong body for that hash: the same refusal as for any hash, nothing about the stored photo
    wrong = client.put(url, b"not the photo", content_type="application/octet-stream")
    assert wrong.status_code == 400 and wrong.json()["code"] == "hash_mismatch"
    # the inspector who uploaded it still sees it
    mine = api(cast["inspector"]).head(url)
    assert mine["Upload-Complete"] == "?1"


def test_a_twenty_megabyte_put_gets_a_json_413(api, cast, media):
    sha = "a" * 64
    response = api(cast["inspector"]).put(
        f"/api/v1/evidence-uploads/{sha}/", os.urandom(20 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_large" and "MB" in response.json()["detail"]


def _answer(response) -> tuple:
    """What a caller learns from an answer: status, type, the upload headers and the body."""
    body = b"" if response.status_code == 204 else getattr(response, "content", b"")
    return (
        response.status_code,
        response.get("Content-Type"),
        response.get("Upload-Offset"),
        response.get("Upload-Complete"),
        body,
    )


def test_every_method_answers_a_foreign_photo_exactly_like_a_missing_one(api, cast, media):
    """HEAD, GET, a partial PUT, a whole PUT of other bytes and DELETE: the answers for a photo stored by
    another unit's inspector and for a hash nobody uploaded are identical (404 JSON where nothing is
    held), so no answer tells that the photo exists."""
    from django.contrib.auth.models import User

    from core.permissions import Role
    from inspections import services as insp
    from staff.models import Unit
    from tests.conftest import grant

    data = jpeg()
    foreign = hashlib.sha256(data).hexdigest()
    insp.evidence_store(actor=cast["inspector"], sha256=foreign, data=data)
    missing = hashlib.sha256(b"never uploaded").hexdigest()
    other = User.objects.create_user("other_inspector", password="x" * 20)
    grant(other, Role.INSPECTOR, Unit.objects.get(code="BETA"))
    client = api(other)

    def both(call):
        return [_answer(call(sha)) for sha in (foreign, missing)]

    steps = {
        "HEAD": lambda sha: client.head(f"/api/v1/evidence-uploads/{sha}/"),
        "GET": lambda sha: client.get(f"/api/v1/evidence-uploads/{sha}/"),
        "GET file": lambda sha: client.get(f"/api/v1/evidence-files/{sha}/"),
        "DELETE": lambda sha: client.delete(f"/api/v1/evidence-uploads/{sha}/"),
        "PUT other bytes": lambda sha: client.put(
            f"/api/v1/evidence-uploads/{sha}/", b"not the photo", content_type="application/octet-stream"
        ),
        "PUT partial": lambda sha: client.put(
            f"/api/v1/evidence-uploads/{sha}/",
            data[:100],
            content_type="application/octet-stream",
            HTTP_CONTENT_RANGE=f"bytes 0-99/{len(data)}",
        ),
        "HEAD after a chunk": lambda sha: client.head(f"/api/v1/evidence-uploads/{sha}/"),
        "PUT 20 MB": lambda sha: client.put(
            f"/api/v1/evidence-uploads/{sha}/", os.urandom(20 * 1024 * 1024), content_type="application/octet-stream"
        ),
    }
    for name, call in steps.items():
        seen, unknown = both(call)
        assert seen == unknown, (name, seen[:4], unknown[:4])
        if name in ("HEAD", "GET", "GET file"):
            assert seen[0] == 404, name
        if name.startswith("GET"):
            assert seen[1].startswith("application/json"), name
    assert both(steps["HEAD after a chunk"])[0][:3] == (200, None, "100")
    big = steps["PUT 20 MB"](missing)
    assert big.status_code == 413 and big.json()["code"] == "too_large" and "MB" in big.json()["detail"]
