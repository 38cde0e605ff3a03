"""Scope cases for the offline app (see tests/test_scope_walk.py). Its pages take no arguments."""

PUBLIC = {
    "offline:sw",  # the service worker script: static code, no data; browsers fetch it to install the app
    "offline:manifest",  # the web app manifest: browsers fetch it without cookies
    "offline:unavailable",  # the no-network page the service worker keeps: no data, one copy for everyone
}

CASES: dict = {}
