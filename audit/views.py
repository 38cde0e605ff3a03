"""Audit screens (administrator log and its export) and the TOTP second-factor pages."""

import base64

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import selectors
from audit.exports import audit_log_xlsx
from audit.forms import AuditFilterForm, TokenForm
from core.middleware import OTP_ENROLLED
from core.permissions import Perm, ScopedViewMixin, has_perm
from core.security import client_ip, log
from core.views import page_size_from
from core.xlsx import XLSX_CONTENT_TYPE


class AuditLogView(ScopedViewMixin, TemplateView):
    required_perm = Perm.AUDIT_VIEW
    template_name = "audit/log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        keys = selectors.log_queryset(**form.filters())
        paginator = Paginator(keys if keys is not None else [], page_size_from(self.request, 50))
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page_obj=page,
            entries=selectors.log_entries(list(page.object_list)),
            querystring=query.urlencode(),
        )
        return context


class AuditExportView(ScopedViewMixin, View):
    required_perm = Perm.AUDIT_VIEW

    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        handle = audit_log_xlsx(keys_qs=selectors.log_queryset(**form.filters()), handle_large=True)
        name = f"nhat-ky-thay-doi-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


# ------------------------------------------------------------------------------ second factor
def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


class OtpEnrolView(LoginRequiredMixin, View):
    """Administrators and inspectors may add an authenticator app (TOTP, RFC 6238)."""

    template_name = "audit/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_perm(request.user, Perm.SECOND_FACTOR):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _device(self, request):
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
        return device

    def _context(self, request, form):
        if user_has_device(request.user, confirmed=True):
            return {"enrolled": True, "form": form}
        device = self._device(request)
        secret = base64.b32encode(device.bin_key).decode()
        return {
            "enrolled": False,
            "form": form,
            "uri": device.config_url,
            "secret": secret,
            "next": request.GET.get("next", ""),
        }

    def get(self, request):
        return render(request, self.template_name, self._context(request, TokenForm()))

    def post(self, request):
        form = TokenForm(request.POST)
        if user_has_device(request.user, confirmed=True):
            if request.POST.get("action") == "remove" and form.is_valid():
                device = match_token(request.user, form.cleaned_data["token"])
                if device is not None:
                    TOTPDevice.objects.filter(user=request.user).delete()
                    request.session[OTP_ENROLLED] = False
                    log.info("otp-removed user=%s ip=%s", request.user.get_username(), client_ip(request))
                    messages.success(request, _("The authenticator app was removed."))
                    return redirect("audit:otp-enrol")
            form.add_error(None, _("The code is not valid."))
            return render(request, self.template_name, self._context(request, form), status=400)
        device = self._device(request)
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[OTP_ENROLLED] = True
            log.info("otp-enrolled user=%s ip=%s", request.user.get_username(), client_ip(request))
            messages.success(request, _("Two-step login is on: you will be asked for a code at each login."))
            return redirect(_next_url(request))
        form.add_error(None, _("The code is not valid."))
        return render(request, self.template_name, self._context(request, form), status=400)


class OtpVerifyView(LoginRequiredMixin, View):
    """The second step of login for users who enrolled an authenticator app."""

    template_name = "audit/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_device(request.user, confirmed=True):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": TokenForm(), "next": request.GET.get("next", "")})

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                log.info("otp-verified user=%s ip=%s", request.user.get_username(), client_ip(request))
                return redirect(_next_url(request))
        log.warning("otp-failed user=%s ip=%s", request.user.get_username(), client_ip(request))
        form.add_error(None, _("The code is not valid."))
        return render(request, self.template_name, {"form": form, "next": request.POST.get("next", "")}, status=400)


__all__ = ["AuditExportView", "AuditLogView", "OtpEnrolView", "OtpVerifyView"]
