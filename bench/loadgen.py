"""An open-loop HTTP load generator (no Django): requests arrive on a Poisson schedule whatever the
server does, each one is sent at its scheduled time on a pool of connections, and its latency runs from
the scheduled time to the end of the response, so time spent waiting for a free connection or for the
server's queue counts (no coordinated omission). Loopback only.

    python bench/loadgen.py plan.json > result.json

The plan (JSON) names the port, the arrival rate (per second), the duration, a random seed, the number of
connections, and the kinds of request with their weights. A kind holds one or more concrete requests
(method, path, headers, JSON body); each arrival picks a kind by weight, then the kind's next request
(round robin for writes, skipping a record whose previous write is still in flight, so two writes never
race on one record; at random for reads).

Writes may carry versions: a request with `"etag": true` sends `If-Match` with the last ETag seen for its
`key` (from the plan's `etags`, from an unmeasured GET of `etag_url` before the clock starts, or from the
previous answer) and remembers the ETag of every answer. `"fresh_uuid": true` puts a new `client_uuid` in
the body of every send (the offline sync protocol replays a known uuid). `bodies` (a list) cycles through
several bodies per record, e.g. a changed phone number, then the original one.

The answer: one JSON object with every arrival as [kind index, scheduled offset s, latency ms or null
(unfinished), HTTP status (0: connection error or never sent)], the ETags last seen, and whether the run
was stopped early. `stop_early`: stop as soon as more than 5% of all arrivals are certain to exceed
`slo_ms` (the p95 goal cannot be met any more), which keeps an overloaded step of a capacity search short.
Arrivals still unfinished `drain_s` seconds after the last one are reported unfinished.
"""

from __future__ import annotations

import bisect
import http.client
import json
import os
import queue
import random
import sys
import threading
import time
import uuid


def schedule(rate: float, seconds: float, rng: random.Random) -> list[float]:
    """Poisson arrivals: exponential gaps of mean 1 / rate, from 0 to `seconds`."""
    out, t = [], 0.0
    while True:
        t += rng.expovariate(rate)
        if t >= seconds:
            return out
        out.append(t)


class Run:
    def __init__(self, plan: dict):
        self.plan = plan
        self.port = int(plan["port"])
        self.kinds = plan["kinds"]
        self.rng = random.Random(plan.get("seed", 1))
        self.etags: dict[str, str] = dict(plan.get("etags") or {})
        self.lock = threading.Lock()
        self.in_flight: set[str] = set()
        self.cursor = [0] * len(self.kinds)
        self.cycle: dict[str, int] = {}
        self.slo = float(plan.get("slo_ms", 300.0)) / 1000
        self.results: list[list] = []
        self.arrivals: list[float] = []
        self.fast = 0  # arrivals answered within the latency goal

    # -------------------------------------------------------------------------- choosing requests
    def pick(self, kind_index: int) -> dict | None:
        kind = self.kinds[kind_index]
        requests = kind["requests"]
        if kind.get("category") != "write":
            return self.rng.choice(requests)
        with self.lock:
            for _ in range(len(requests)):
                req = requests[self.cursor[kind_index] % len(requests)]
                self.cursor[kind_index] += 1
                key = req.get("key") or req["path"]
                if key not in self.in_flight:
                    self.in_flight.add(key)
                    return req
        return None  # every record of this kind is being written: the arrival is sent anyway, below

    def prepare(self, req: dict) -> tuple[str, str, dict, bytes | None]:
        headers = {"Accept-Encoding": "identity", **(req.get("headers") or {})}
        key = req.get("key") or req["path"]
        body = req.get("body")
        bodies = req.get("bodies")
        if bodies:
            with self.lock:
                n = self.cycle.get(key, 0)
                self.cycle[key] = n + 1
            body = bodies[n % len(bodies)]
        if req.get("etag"):
            with self.lock:
                tag = self.etags.get(key)
            if tag:
                headers["If-Match"] = tag
        data = None
        if body is not None:
            if req.get("fresh_uuid"):
                body = {**body, "client_uuid": str(uuid.uuid4())}
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return req.get("method", "GET"), req["path"], headers, data

    # --------------------------------------------------------------------------------- sending
    def send(self, conn: http.client.HTTPConnection, req: dict) -> tuple[int, http.client.HTTPConnection]:
        method, path, headers, data = self.prepare(req)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
            status = response.status
            if req.get("etag"):
                self.remember_etag(req.get("key") or req["path"], response.getheader("ETag"), status, content)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()  # a sync gunicorn worker closes after every answer; http.client reopens
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            status = 0
        return status, conn

    def remember_etag(self, key: str, tag: str | None, status: int, content: bytes) -> None:
        """The version to send next time: the answer's ETag; for a 412 without one, the version of the
        `current` record in its body; failing both, forget it (read again before the next write)."""
        if not tag and status == 412:
            try:
                body = json.loads(content)
                version = (body.get("current") or {}).get("version", body.get("version"))
                tag = f'"{version}"' if version is not None else None
            except (ValueError, AttributeError):
                tag = None
        with self.lock:
            if tag:
                self.etags[key] = tag
            elif status == 412:
                self.etags.pop(key, None)

    def prefetch_etags(self) -> None:
        """The ETag of every versioned record not yet known, by a GET of its `etag_url` (not measured)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        for kind in self.kinds:
            for req in kind["requests"]:
                key = req.get("key") or req["path"]
                if not req.get("etag") or key in self.etags or not req.get("etag_url"):
                    continue
                get = {"method": "GET", "path": req["etag_url"], "headers": req.get("headers"), "key": key}
                status, conn = self.send(conn, {**get, "etag": True})
                self.etags.setdefault(key, "")  # no ETag: the record is written without If-Match, asked once
        conn.close()

    def worker(self, work: queue.Queue, t0: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while True:
            item = work.get()
            if item is None:
                break
            index, kind_index, at = item
            req = self.pick(kind_index)
            owned = req is not None
            if req is None:  # no free record: send the first one anyway (a stale write, 412, is expected)
                req = dict(self.kinds[kind_index]["requests"][0])
            key = req.get("key") or req["path"]
            if req.get("etag") and req.get("etag_url") and key not in self.etags:
                # the version was lost (a 412 that named none): read the record again first, as a client
                # would; this GET is part of the write's time
                get = {"method": "GET", "path": req["etag_url"], "headers": req.get("headers"), "key": key}
                _status, conn = self.send(conn, {**get, "etag": True})
                with self.lock:
                    self.etags.setdefault(key, "")
            status, conn = self.send(conn, req)
            latency = time.perf_counter() - (t0 + at)
            if owned and self.kinds[kind_index].get("category") == "write":
                with self.lock:
                    self.in_flight.discard(key)
            self.results[index][2] = latency * 1000
            self.results[index][3] = status
            if latency <= self.slo:
                with self.lock:
                    self.fast += 1
        conn.close()

    # ------------------------------------------------------------------------------------ run
    def run(self) -> dict:
        rate, seconds = float(self.plan["rate"]), float(self.plan["seconds"])
        arrivals = schedule(rate, seconds, self.rng)
        weights = [float(k["weight"]) for k in self.kinds]
        chosen = self.rng.choices(range(len(self.kinds)), weights=weights, k=len(arrivals))
        self.results = [[k, at, None, 0] for k, at in zip(chosen, arrivals, strict=True)]
        self.arrivals = arrivals
        self.prefetch_etags()
        work: queue.Queue = queue.Queue()
        connections = int(self.plan.get("connections", 64))
        t0 = time.perf_counter() + 0.2
        threads = [threading.Thread(target=self.worker, args=(work, t0), daemon=True) for _ in range(connections)]
        for t in threads:
            t.start()
        stop_early = bool(self.plan.get("stop_early"))
        limit = 0.05 * len(arrivals)
        stopped = False
        for index, (kind_index, at, _lat, _st) in enumerate(self.results):
            delay = t0 + at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            work.put((index, kind_index, at))
            if stop_early and index % 8 == 0 and self.certain_misses(t0) > limit:
                stopped = True
                break
        deadline = t0 + seconds + float(self.plan.get("drain_s", 10.0))
        while not stopped and time.perf_counter() < deadline:
            if all(r[2] is not None for r in self.results):
                break
            if stop_early and self.certain_misses(t0) > limit:
                stopped = True
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - t0
        return {
            "rate": rate,
            "seconds": seconds,
            "elapsed": elapsed,
            "stopped_early": stopped,
            "kinds": [k["label"] for k in self.kinds],
            "categories": [k.get("category", "") for k in self.kinds],
            "results": [list(r) for r in self.results],
            "etags": self.etags,
        }

    def certain_misses(self, t0: float) -> int:
        """Arrivals already known to exceed the latency goal: every arrival scheduled more than the goal
        ago that was not answered within the goal (answered slower, or still waiting)."""
        late = bisect.bisect_left(self.arrivals, time.perf_counter() - t0 - self.slo)
        return late - self.fast


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        plan = json.load(fh)
    result = Run(plan).run()
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # threads still waiting on an overloaded server are abandoned, not joined


if __name__ == "__main__":
    main()
