"""The background exports jobs can build, declared by the apps themselves: each app that has one puts
an `EXPORTS` list in a module named `jobs_exports` (for example `staff/jobs_exports.py`), found at
start-up like the admin's `admin` modules. jobs imports no app; the apps do not import jobs.

Each entry is a dict with the fields of `ExportKind`:
- key: the name the screens and the ExportJob rows use;
- label: shown on "My exports";
- perm: a permission or a tuple of them (any one suffices);
- filterset(data, queryset, request): the list screen's FilterSet;
- queryset(user): the list's scoped selector, without filters;
- write(queryset) -> file object at position 0: the app's workbook writer;
- filename(date) -> str;
- list_url: the URL name of the list screen the export comes from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "jobs_exports"


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    perm: str | tuple[str, ...]
    filterset: Callable
    queryset: Callable
    write: Callable
    filename: Callable[[dt.date], str]
    list_url: str


EXPORTS: dict[str, ExportKind] = {}


def register_export(**fields) -> ExportKind:
    kind = ExportKind(**fields)
    EXPORTS[kind.key] = kind
    return kind


def autodiscover() -> None:
    """Register the exports of every installed app's `jobs_exports` module (JobsConfig.ready)."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            module = import_module(f"{config.name}.{MODULE}")
            for fields in getattr(module, "EXPORTS", ()):
                register_export(**fields)


def get_export(key: str) -> ExportKind | None:
    return EXPORTS.get(key)
