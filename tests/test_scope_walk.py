"""Walk every URL pattern of the project (HTML and API) so that no endpoint skips the scope check.

Each app's `tests/<app>/scope_cases.py` declares:
- CASES: {url name: function(ctx) -> dict(user=..., ok=kwargs, out=kwargs[, method="get"])},
  one per URL with arguments: the user sees `ok` and gets 404 for `out` (outside their scope);
- PUBLIC: url names open to anonymous visitors on purpose (with the reason in a comment).

A new URL without a case fails `test_every_url_has_a_scope_case`.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests

# Reachable without the scope machinery, on purpose.
FRAMEWORK = {
    "login",
    "logout",
    "set_language",
    "javascript-catalog",
    "healthz",
    "api-schema",
    "api-docs",
    "api-redoc",
    "dashboard",
    "api-token",  # exchanges a username and password (and TOTP code) for a token: anonymous by design
}


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if p.app_name == "admin":
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern), sorted(p.pattern.converters) or _regex_groups(p)


def _regex_groups(p):
    regex = getattr(p.pattern, "regex", None)
    return sorted(regex.groupindex) if regex is not None else []


def all_urls():
    seen = {}
    for name, route, args in _walk(get_resolver().url_patterns):
        seen.setdefault(name, (route, args))
    return seen


def load_cases():
    cases, public = {}, set()
    for module in pkgutil.iter_modules(tests.__path__):
        try:
            mod = importlib.import_module(f"tests.{module.name}.scope_cases")
        except ModuleNotFoundError:
            continue
        cases.update(getattr(mod, "CASES", {}))
        public |= set(getattr(mod, "PUBLIC", set()))
    return cases, public


URLS = all_urls()
CASES, PUBLIC = load_cases()
WITH_ARGS = sorted(n for n, (_, args) in URLS.items() if args and n not in FRAMEWORK | PUBLIC)
WITHOUT_ARGS = sorted(n for n, (_, args) in URLS.items() if not args and n not in FRAMEWORK | PUBLIC)


def _url(name, kwargs=None):
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


def test_every_url_has_a_scope_case():
    missing = [n for n in WITH_ARGS if n not in CASES]
    assert not missing, f"Add a scope case in tests/<app>/scope_cases.py for: {missing}"


def _is_api(name):
    return ":" not in name


@pytest.mark.parametrize("name", WITHOUT_ARGS + WITH_ARGS)
def test_anonymous_visitor_is_refused(name, client, cast, tree, people):
    kwargs = CASES[name]({"cast": cast, "tree": tree, "people": people})["ok"] if name in CASES else None
    url = _url(name, kwargs)
    response = client.get(url)
    if _is_api(name):
        assert response.status_code in (401, 403), url
    else:
        assert response.status_code in (302, 404, 405), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", WITHOUT_ARGS + WITH_ARGS)
def test_user_without_a_role_is_refused(name, client, cast, tree, people):
    kwargs = CASES[name]({"cast": cast, "tree": tree, "people": people})["ok"] if name in CASES else None
    url = _url(name, kwargs)
    client.force_login(cast["nobody"])
    response = client.get(url)
    expected = (403, 404, 405) if _is_api(name) else (404, 405)
    assert response.status_code in expected, f"{url} answered {response.status_code} to a user with no role"


@pytest.mark.parametrize("name", WITH_ARGS)
def test_record_outside_scope_is_404_and_inside_is_served(name, client, cast, tree, people):
    case = CASES[name]({"cast": cast, "tree": tree, "people": people})
    method = case.get("method", "get")
    client.force_login(case["user"])
    outside = getattr(client, method)(_url(name, case["out"]))
    assert outside.status_code == 404, f"{name} {case['out']} outside scope answered {outside.status_code}"
    inside = getattr(client, method)(_url(name, case["ok"]))
    assert inside.status_code in case.get("ok_status", (200, 302)), (
        f"{name} {case['ok']} inside scope answered {inside.status_code}"
    )
