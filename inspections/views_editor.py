"""The on-screen checklist template editor: sections and items of a draft version, added, changed,
deleted and moved with plain forms (no script needed). Every write goes through services (the same
content rules as the XLSForm import and the API); a published version is read-only and is edited by
making the next draft (version-action new-draft)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.permissions import Perm, ScopedViewMixin
from inspections import selectors, services
from inspections.forms import ChoiceFormSet, ItemForm, SectionForm, choices_from_formset
from inspections.models import AnswerType
from inspections.services import ItemSpec
from inspections.views import _errors


def _add_errors(form, exc: ValidationError) -> None:
    """Field errors next to their field; the others on top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target if field != NON_FIELD_ERRORS else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class _EditorView(ScopedViewMixin, View):
    required_perm = Perm.TEMPLATE_MANAGE

    def _version(self, request, pk):
        version = selectors.version_get(user=request.user, pk=pk)
        if not version.is_editable:
            messages.error(
                request,
                _("Version %(number)s is published and cannot change; edit the template to make a new draft version.")
                % {"number": version.number},
            )
            return version, redirect("inspections:version-detail", pk=version.pk)
        return version, None

    template_name = "inspections/editor_form.html"

    def _titles(self, code) -> tuple[str, str]:
        """(page title, heading) of the form for a new (code None) or an existing section or item."""
        raise NotImplementedError

    def _render(self, request, version, form, code, status=200, choices=None):
        title, heading = self._titles(code)
        context = {
            "version": version,
            "form": form,
            "code": code,
            "title": title,
            "heading": heading,
            "choices": choices,
        }
        return render(request, self.template_name, context, status=status)

    def _done(self, version, anchor=""):
        response = redirect("inspections:version-detail", pk=version.pk)
        if anchor:
            response["Location"] += f"#{anchor}"
        return response


class SectionEditView(_EditorView):
    """New section (no code in the URL) or an existing one."""

    def _titles(self, code):
        if code:
            return _("Edit section"), _("Section %(code)s") % {"code": code}
        return _("Add a section"), _("Add a section")

    def get(self, request, pk, code=None):
        version, refused = self._version(request, pk)
        if refused:
            return refused
        initial = {}
        if code is not None:
            section = next((s for s in services.version_content(version) if s.code == code), None)
            if section is None:
                raise Http404
            initial = {"code": section.code, "title_vi": section.title_vi, "title_en": section.title_en}
        return self._render(request, version, SectionForm(initial=initial), code)

    def post(self, request, pk, code=None):
        version, refused = self._version(request, pk)
        if refused:
            return refused
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                services.section_save(actor=request.user, version=version, original_code=code, **form.cleaned_data)
                messages.success(request, _("Section saved."))
                return self._done(version, f"section-{form.cleaned_data['code']}")
            except ValidationError as exc:
                if getattr(exc, "code", None) == "missing":
                    raise Http404 from exc
                _add_errors(form, exc)
        return self._render(request, version, form, code, status=400)


class ItemEditView(_EditorView):
    """New item (?section=CODE) or an existing one, with every field of the model; a choice item's
    list (name, labels, score) is a formset below it: rows added, changed, removed (delete box) and
    reordered (order numbers). The whole item with its list is saved by one service call."""

    def _titles(self, code):
        if code:
            return _("Edit item"), _("Item %(code)s") % {"code": code}
        return _("Add an item"), _("Add an item")

    def get(self, request, pk, code=None):
        version, refused = self._version(request, pk)
        if refused:
            return refused
        sections = services.version_content(version)
        if not sections:
            messages.error(request, _("Add a section first."))
            return self._done(version)
        choices = []
        if code is None:
            wanted = request.GET.get("section")
            section = next((s for s in sections if s.code == wanted), sections[-1])
            initial = {"section": section.code, "weight": 1, "required": True, "answer_type": "yes_no_na"}
        else:
            found = [(s, i) for s in sections for i in s.items if i.code == code]
            if not found:
                raise Http404
            section, spec = found[0]
            initial = ItemForm.initial_from(spec, section.code)
            choices = [
                {**c, "score": c.get("score") if c.get("score") not in (None, "") else None} for c in spec.choices or []
            ]
        formset = ChoiceFormSet(initial=choices, prefix="choice")
        return self._render(request, version, ItemForm(initial=initial, sections=sections), code, choices=formset)

    def post(self, request, pk, code=None):
        version, refused = self._version(request, pk)
        if refused:
            return refused
        form = ItemForm(request.POST, sections=services.version_content(version))
        # A post without the choice rows (an older page, a script) keeps the item's list as it is.
        formset = ChoiceFormSet(request.POST, prefix="choice") if "choice-TOTAL_FORMS" in request.POST else None
        if form.is_valid() and (formset is None or formset.is_valid()):
            data = dict(form.cleaned_data)
            section_code = data.pop("section")
            if data["answer_type"] not in (AnswerType.SELECT_ONE, AnswerType.SELECT_MULTIPLE):
                data["choices"], data["choice_list"] = [], ""
            elif formset is not None:
                data["choices"] = choices_from_formset(formset)
            try:
                services.item_save(
                    actor=request.user,
                    version=version,
                    section_code=section_code,
                    spec=ItemSpec(**data),
                    original_code=code,
                )
                messages.success(request, _("Item %(code)s saved.") % {"code": data["code"]})
                return self._done(version, f"item-{data['code']}")
            except ValidationError as exc:
                if getattr(exc, "code", None) == "missing":
                    raise Http404 from exc
                _add_errors(form, exc)
        if formset is None:
            formset = ChoiceFormSet(prefix="choice")
        return self._render(request, version, form, code, status=400, choices=formset)


class RowActionView(_EditorView):
    """Delete, move up or move down a section or an item (POST buttons on the version page)."""

    kind = "item"

    def post(self, request, pk, code, verb):
        version, refused = self._version(request, pk)
        if refused:
            return refused
        if verb not in ("delete", "up", "down"):
            raise Http404
        try:
            if self.kind == "section":
                if verb == "delete":
                    services.section_delete(actor=request.user, version=version, code=code)
                    messages.success(request, _("Section %(code)s deleted with its items.") % {"code": code})
                else:
                    services.section_move(actor=request.user, version=version, code=code, direction=verb)
            elif verb == "delete":
                services.item_delete(actor=request.user, version=version, code=code)
                messages.success(request, _("Item %(code)s deleted.") % {"code": code})
            else:
                services.item_move(actor=request.user, version=version, code=code, direction=verb)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "missing":
                raise Http404 from exc
            for message in _errors(exc):
                messages.error(request, message)
        anchor = "" if verb == "delete" else f"{self.kind}-{code}"
        return self._done(version, anchor)
