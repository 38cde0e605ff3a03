"""Production configuration: gunicorn.conf.py values, and gunicorn really serving the app."""

import json
import multiprocessing
import runpy
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.jobs.conftest import ROOT, free_port, worker_env

GUNICORN_VARS = (
    "GUNICORN_BIND",
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_ACCESS_LOG",
    "GUNICORN_ERROR_LOG",
)


@pytest.fixture
def clean_env(monkeypatch):
    for name in GUNICORN_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_gunicorn_defaults(clean_env):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == min(2 * multiprocessing.cpu_count() + 1, 17)
    assert [conf["default_workers"](n) for n in (1, 2, 4, 8, 16)] == [3, 5, 9, 17, 17]
    assert (conf["bind"], conf["worker_class"], conf["threads"], conf["timeout"], conf["graceful_timeout"]) == (
        "127.0.0.1:8000",
        "sync",
        1,
        60,
        30,
    )
    assert (conf["accesslog"], conf["errorlog"], conf["loglevel"], conf["preload_app"]) == ("-", "-", "info", False)
    assert (conf["forwarded_allow_ips"], conf["max_requests"], conf["max_requests_jitter"]) == ("127.0.0.1", 2000, 200)


def test_gunicorn_reads_the_environment(clean_env):
    clean_env.setenv("GUNICORN_BIND", "unix:/run/congvu/gunicorn.sock")
    clean_env.setenv("GUNICORN_WORKERS", "7")
    clean_env.setenv("GUNICORN_THREADS", "4")
    clean_env.setenv("GUNICORN_TIMEOUT", "90")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (conf["bind"], conf["workers"], conf["threads"], conf["worker_class"], conf["timeout"]) == (
        "unix:/run/congvu/gunicorn.sock",
        7,
        4,
        "gthread",
        90,
    )


def test_an_empty_access_log_setting_turns_the_access_log_off(clean_env):
    """Behind nginx, which keeps its own access log, GUNICORN_ACCESS_LOG= (empty) spares a log line per request."""
    clean_env.setenv("GUNICORN_ACCESS_LOG", "")
    clean_env.setenv("GUNICORN_ERROR_LOG", "")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (conf["accesslog"], conf["errorlog"]) == (None, "-")


def test_gunicorn_serves_healthz_from_a_migrated_database(live_db, media_root):
    """SQLite run: the migrated test database copied to a file; PostgreSQL run: the test database."""
    live_db.push()
    port = free_port()
    env = worker_env(
        live_db,
        media_root,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_ACCESS_LOG="-",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body, deadline = None, time.monotonic() + 60
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = (response.status, json.loads(response.read()))
            except OSError:
                time.sleep(0.3)
        assert body == (200, {"status": "ok", "database": "ok"}), server.poll()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
            assert (response.status, response.headers["X-Frame-Options"]) == (200, "DENY")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert f"Listening at: http://127.0.0.1:{port}" in output
    assert '"GET /healthz HTTP/1.1" 200' in output
