"""A small HTTP load generator: N threads, each with one keep-alive http.client connection, asking
the same path until a request count or a time limit is reached. Loopback only. No Django.

    python bench/loadgen.py --port 8000 --path /healthz --clients 10 --seconds 5 --max 5000 \
        --cookie "sessionid=..." [--fresh]

Prints one JSON object: requests, errors, seconds, rps, latencies (ms, sorted sample).
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time


def worker(args, stop_at: float, budget: list[int], lock: threading.Lock, out: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    headers = {"Accept-Encoding": "identity", "Connection": "keep-alive"}
    if args.cookie:
        headers["Cookie"] = args.cookie
    if args.accept:
        headers["Accept"] = args.accept
    local, bad = [], 0
    joiner = "&" if "?" in args.path else "?"
    while time.perf_counter() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            n = budget[0]
        path = f"{args.path}{joiner}fresh={n}" if args.fresh else args.path
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                bad += 1
        except (OSError, http.client.HTTPException):
            bad += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            continue
        local.append((time.perf_counter() - t0) * 1000)
    conn.close()
    with lock:
        out.extend(local)
        errors.append(bad)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--max", type=int, default=5000)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--accept", default="")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="add a parameter no view reads, different for every request (fresh=N): nothing kept for a list "
        "(core.paging.list_key) matches it, as on the first read after a write",
    )
    args = parser.parse_args()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[int] = []
    budget = [args.max]
    started = time.perf_counter()
    stop_at = started + args.seconds
    threads = [
        threading.Thread(target=worker, args=(args, stop_at, budget, lock, latencies, errors), daemon=True)
        for _ in range(args.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + 60)
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "path": args.path,
                "requests": len(latencies),
                "errors": sum(errors),
                "seconds": elapsed,
                "rps": len(latencies) / elapsed if elapsed else 0.0,
                "latencies_ms": latencies,
            }
        )
    )


if __name__ == "__main__":
    main()
