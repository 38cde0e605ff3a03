"""The resumable evidence upload as a service (inspections.services.evidence): chunks appended at the
offset held, a resume told where to start, refusals by range, size, type and hash, and a finished
upload that answers the stored photo again. tests/inspections/test_api.py covers the HTTP side."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from inspections import services
from inspections.models import EvidenceBlob
from inspections.services import UploadRefused


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _photo(size=(320, 200), fmt="JPEG"):
    buf = io.BytesIO()
    Image.new("RGB", size, "green").save(buf, fmt)
    return buf.getvalue()


def _chunk(actor, data, start, end):
    """Send data[start:end] of the whole."""
    sha = hashlib.sha256(data).hexdigest()
    return services.upload_chunk(
        actor=actor, sha256=sha, data=data[start:end], content_range=f"bytes {start}-{end - 1}/{len(data)}"
    )


def test_chunks_are_held_until_the_last_one_stores_the_photo(team):
    lead, data = team["lead"], _photo()
    sha = hashlib.sha256(data).hexdigest()
    third = len(data) // 3
    assert services.upload_state(actor=lead, sha256=sha).offset == 0
    first = _chunk(lead, data, 0, third)
    assert (first.offset, first.complete) == (third, False)
    second = _chunk(lead, data, third, 2 * third)
    assert (second.offset, second.complete) == (2 * third, False)
    assert services.upload_state(actor=lead, sha256=sha).offset == 2 * third
    assert not EvidenceBlob.objects.exists()
    last = _chunk(lead, data, 2 * third, len(data))
    assert last.complete and last.created
    assert (last.blob.sha256, last.blob.original_size, last.offset) == (sha, len(data), len(data))
    state = services.upload_state(actor=lead, sha256=sha)
    assert (state.offset, state.complete) == (len(data), True)


def test_a_resume_starts_at_the_offset_held_and_a_wrong_start_is_told_where(team):
    lead, data = team["lead"], _photo()
    half = len(data) // 2
    _chunk(lead, data, 0, half)
    with pytest.raises(UploadRefused) as skipped:
        _chunk(lead, data, half + 10, len(data))
    assert (skipped.value.code, skipped.value.offset) == ("offset_mismatch", half)
    with pytest.raises(UploadRefused) as repeated:
        _chunk(lead, data, 0, half)
    assert (repeated.value.code, repeated.value.offset) == ("offset_mismatch", half)
    assert _chunk(lead, data, half, len(data)).complete


def test_each_uploader_holds_their_own_partial_copy(team):
    data = _photo()
    sha = hashlib.sha256(data).hexdigest()
    _chunk(team["lead"], data, 0, 100)
    assert services.upload_state(actor=team["member"], sha256=sha).offset == 0
    assert services.upload_state(actor=team["lead"], sha256=sha).offset == 100


@pytest.mark.parametrize(
    "content_range",
    ["bytes=0-9/100", "bytes 9-0/100", "bytes 0-19/100", "bytes 0-9/5"],
)
def test_a_range_that_does_not_describe_the_chunk_is_refused(team, content_range):
    with pytest.raises(UploadRefused) as exc:
        services.upload_chunk(actor=team["lead"], sha256="a" * 64, data=b"0123456789", content_range=content_range)
    assert exc.value.code == "bad_range"


def test_a_photo_over_the_limit_is_refused_and_its_partial_copy_dropped(team, settings, media):
    lead, data = team["lead"], _photo()
    _chunk(lead, data, 0, 100)
    settings.EVIDENCE_MAX_BYTES = len(data) - 1
    with pytest.raises(UploadRefused) as exc:
        _chunk(lead, data, 100, 200)
    assert exc.value.code == "too_large"
    assert exc.value.detail.startswith("Ảnh có dung lượng")
    assert services.upload_state(actor=lead, sha256=hashlib.sha256(data).hexdigest()).offset == 0


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(team):
    data = b"not an image at all"
    with pytest.raises(UploadRefused) as exc:
        services.upload_chunk(actor=team["lead"], sha256=hashlib.sha256(data).hexdigest(), data=data)
    assert (exc.value.code, exc.value.detail) == ("not_image", "Tệp không phải là ảnh (JPEG, PNG hoặc WebP).")
    assert not EvidenceBlob.objects.exists()


def test_bytes_that_do_not_match_their_hash_are_refused(team):
    with pytest.raises(UploadRefused) as exc:
        services.upload_chunk(actor=team["lead"], sha256="0" * 64, data=_photo())
    assert exc.value.code == "hash_mismatch"
    assert not EvidenceBlob.objects.exists()


def test_a_finished_upload_sent_again_answers_the_stored_photo(team):
    data = _photo(fmt="PNG")
    sha = hashlib.sha256(data).hexdigest()
    first = services.upload_chunk(actor=team["lead"], sha256=sha, data=data)
    assert first.created
    # someone who may not see it yet learns nothing from the hash alone (issue 22): an empty body is
    # refused like for any hash; sending the photo's very bytes gives them the stored photo
    with pytest.raises(UploadRefused):
        services.upload_chunk(actor=team["member"], sha256=sha, data=b"")
    again = services.upload_chunk(actor=team["member"], sha256=sha, data=data)
    assert (again.complete, again.blob) == (True, first.blob)
    resent = _chunk(team["lead"], data, 0, len(data))
    assert (resent.created, resent.blob) == (False, first.blob)
    assert EvidenceBlob.objects.count() == 1


def test_only_those_who_fill_or_report_progress_upload(cast):
    with pytest.raises(ValidationError):
        services.upload_chunk(actor=cast["nobody"], sha256="a" * 64, data=b"x")
    with pytest.raises(TypeError):
        services.upload_chunk(actor=None, sha256="a" * 64, data=b"x")
