"""Evidence photos: the resumable upload (services.upload_chunk / upload_state) and the stored
files, for whoever may see them (media files are not served publicly)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import Perm
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.api.common import READ_PERMS
from inspections.services.evidence import SHA_RE

REFUSAL_STATUS = {
    "bad_range": status.HTTP_400_BAD_REQUEST,
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "offset_mismatch": status.HTTP_409_CONFLICT,
}


def _sha(sha256: str) -> str:
    sha = sha256.lower()
    if not SHA_RE.match(sha):
        raise Http404
    return sha


class EvidenceUploadView(APIView):
    """`PUT /api/v1/evidence-uploads/<sha256>/` with `Content-Range: bytes start-end/total` chunks (or
    the whole file without it). `HEAD` answers `Upload-Offset`: how many bytes are held (404: none). A blob that
    is already stored answers at once. The whole is verified against its sha256 and validated as an
    image (type, size, pixels) and resized on the server."""

    read_perm = services.EVIDENCE_PERMS
    write_perm = services.EVIDENCE_PERMS

    @extend_schema(responses=s.EvidenceBlobSerializer)
    def get(self, request, sha256):
        """The stored image's facts, for its uploader or anyone who can see a record using it."""
        blob = selectors.evidence_blob_get(user=request.user, sha256=_sha(sha256))
        if blob is None:
            raise Http404
        return Response(s.EvidenceBlobSerializer(blob).data)

    def head(self, request, sha256):
        """404 when nothing is held for the caller (no partial copy of theirs, no photo they can see): the
        same answer for a photo stored for someone else as for one that does not exist."""
        upload = services.upload_state(actor=request.user, sha256=_sha(sha256))
        if not upload.complete and upload.offset == 0:
            raise Http404
        response = Response(status=status.HTTP_200_OK)
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Complete"] = "?1" if upload.complete else "?0"
        return response

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                "Content-Range",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="bytes <start>-<end>/<total>; absent = the whole file",
            )
        ],
        responses={
            201: s.EvidenceBlobSerializer,
            200: s.EvidenceBlobSerializer,
            202: OpenApiResponse(description="Chunk stored; Upload-Offset says how much is held."),
            400: OpenApiResponse(description="Not an image, too large, or the hash does not match."),
            409: OpenApiResponse(description="The chunk does not start at Upload-Offset."),
            413: OpenApiResponse(description="Too large."),
        },
    )
    def put(self, request, sha256):
        sha = _sha(sha256)
        try:
            body = request.body
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return Response(
                {
                    "code": "too_large",
                    "detail": _("The request is larger than %(limit).1f MB; send the photo in chunks of at most that.")
                    % {"limit": limit / 1048576},
                },
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            upload = services.upload_chunk(
                actor=request.user,
                sha256=sha,
                data=body,
                content_range=request.headers.get("Content-Range"),
            )
        except services.UploadRefused as exc:
            body = {"code": exc.code, "detail": exc.detail}
            if exc.offset is not None:
                body = {"code": exc.code, "offset": exc.offset, "detail": exc.detail}
            response = Response(body, status=REFUSAL_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST))
            if exc.offset is not None:
                response["Upload-Offset"] = str(exc.offset)
            return response
        if not upload.complete:
            response = Response({"offset": upload.offset}, status=status.HTTP_202_ACCEPTED)
            response["Upload-Offset"] = str(upload.offset)
            return response
        if not upload.created:
            return Response(s.EvidenceBlobSerializer(upload.blob).data, status=status.HTTP_200_OK)
        response = Response(s.EvidenceBlobSerializer(upload.blob).data, status=status.HTTP_201_CREATED)
        response["Upload-Offset"] = str(upload.offset)
        return response


class EvidenceFileView(APIView):
    """The image itself, for whoever may see it."""

    read_perm = (*READ_PERMS, Perm.ACTION_UPDATE)

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request, sha256):
        sha = sha256.lower()
        blob = selectors.evidence_blob_get(user=request.user, sha256=sha) if SHA_RE.match(sha) else None
        if blob is None:
            raise Http404
        return FileResponse(blob.file.open("rb"), content_type=blob.content_type)
