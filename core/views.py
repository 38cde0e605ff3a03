"""Views every app shares: the dashboard, health check, the filtered list base, and the API token issue
(core.tokens)."""

from django.contrib.auth import authenticate
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_otp import match_token, user_has_device
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.security import client_ip, log
from core.tokens import token_expires

MAX_PAGE_SIZE = 200


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the app unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_size_from(request, default: int = 50) -> int:
    try:
        size = int(request.GET.get("page_size", default))
    except ValueError:
        size = default
    return max(1, min(size, MAX_PAGE_SIZE))


class FilteredListView(ScopedViewMixin, TemplateView):
    """A list screen: the view's queryset (always from a selector, so already scoped) filtered by
    the app's one FilterSet and paged by Django's Paginator; `object_list` is the page's model
    instances. Exports reuse the same FilterSet and selector."""

    filterset_class = None
    paginate_by = 50

    def get_queryset(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        paginator = Paginator(filterset.qs, page_size_from(self.request, self.paginate_by))
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page_obj=page, object_list=page.object_list, querystring=query.urlencode())
        return context


def second_factor_required(user) -> bool:
    return user_has_device(user, confirmed=True) or has_perm(user, Perm.ROLE_MANAGE)


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.RegexField(r"^\d{6,8}$", required=False, help_text="Authenticator code (administrators)")


class TokenIssueView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: inline_serializer(
                "ApiToken", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(description="Wrong user name or password"),
            403: OpenApiResponse(description="The authenticator code is missing or wrong"),
            429: OpenApiResponse(description="Locked out after repeated wrong passwords (user name and address)"),
        },
        description=(
            "Exchange a user name and password for an API token (header `Authorization: Token <key>`), valid "
            "API_TOKEN_DAYS days and revoked when the password changes. Administrators, and anyone who enrolled "
            "an authenticator app, must also send `otp`. A new token replaces the previous one."
        ),
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            return Response({"detail": _("Wrong user name or password.")}, status=status.HTTP_400_BAD_REQUEST)
        if second_factor_required(user):
            if not user_has_device(user, confirmed=True):
                return Response(
                    {
                        "code": "otp_enrol",
                        "detail": _("Add an authenticator app (two-step login) before using tokens."),
                    },
                    status=status.HTTP_403_FORBIDDEN,
                )
            code = data.validated_data.get("otp")
            if not code or match_token(user, code) is None:
                log.warning("token-otp-failed user=%s ip=%s", user.get_username(), client_ip(request))
                return Response(
                    {"code": "otp_required", "detail": _("Enter the current code of your authenticator app.")},
                    status=status.HTTP_403_FORBIDDEN,
                )
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        log.info("token-issued user=%s ip=%s", user.get_username(), client_ip(request))
        return Response({"token": token.key, "expires": token_expires(token)})
