"""gunicorn settings for CongVu: `gunicorn -c gunicorn.conf.py config.wsgi`.

Every value can be set from the environment (deploy/congvu.env). Sizing: the app is stateless
(sessions and data in PostgreSQL, jobs on Redis), so add processes here or add app servers behind
the proxy; big exports and reminders run in the worker (deploy/congvu-worker.service), never in a
request, so a short request timeout is safe.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


def default_workers(cores: int | None = None) -> int:
    """(2 × cores) + 1, the usual start for sync workers, capped so a big box does not exhaust
    PostgreSQL connections (each worker holds one)."""
    cores = cores or multiprocessing.cpu_count()
    return min(2 * cores + 1, 17)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", default_workers())
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)  # a request that takes longer belongs in a background job
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)  # recycle workers now and then (memory)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # the reverse proxy
proxy_allow_ips = forwarded_allow_ips
worker_tmp_dir = os.environ.get("GUNICORN_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
preload_app = False  # each worker opens its own database connection after the fork

# Logging: to stdout/stderr, collected by journald under systemd.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log (the proxy keeps one)
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-") or "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
capture_output = True
proc_name = "congvu"
