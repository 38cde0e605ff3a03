#!/bin/sh
# One background worker for the configured back-end (TASKS_BACKEND):
#   database (default) -> django-tasks-db's `db_worker`, polling the database;
#   rq                 -> django-rq's `rqworker` on Redis (REDIS_URL), django-tasks' job class.
# Run more of them to get more throughput (systemd: congvu-worker@1, @2, ...).
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
QUEUE="${TASKS_QUEUE:-default}"
NAME="${WORKER_NAME:-congvu-$(hostname)-$$}"
case "${TASKS_BACKEND:-database}" in
  rq)       exec "$PY" manage.py rqworker "$QUEUE" --job-class django_tasks_rq.backend.Job --name "$NAME" "$@" ;;
  database) exec "$PY" manage.py db_worker --queue-name "$QUEUE" --no-reload --interval 1 --worker-id "$NAME" "$@" ;;
  immediate) echo "TASKS_BACKEND=immediate runs jobs inside the request; no worker needed." >&2; exit 0 ;;
  *)        echo "Unknown TASKS_BACKEND=${TASKS_BACKEND}" >&2; exit 2 ;;
esac
