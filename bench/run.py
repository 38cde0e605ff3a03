"""Run every benchmark under bench/ against the province database and print ONE table.

    make bench                                   # SQLite file /tmp/congvu_province.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench make bench
    .venv/bin/python bench/run.py --quick --only peak,pages

The database is migrated and seeded (`seed_demo --scale province`) first if it is empty. Each
`bench/bench_<name>.py` runs in its own process:
- a module with `run(ctx) -> list[rows]` is imported there and called (rows: `bench.common.Row`,
  dicts or tuples (benchmark, figure, floor, goal, met));
- any other `bench_*.py` is run as a plain script; its output is kept and summarised in the table
  (lines that are JSON rows become rows).
The table and the machine it ran on are written to bench/RESULTS.md (one section per database).
Benchmarks print figures; they never fail: the exit status is 0 unless the runner itself breaks.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_DB_URL,
    PYTHON,
    ROOT,
    Context,
    Row,
    bench_env,
    emit,
    ensure_province,
    vendor_of,
)

BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "RESULTS.md"
MODULE_TIMEOUT = 3600
ORDER = ["bench_peak", "bench_pages"]  # then the others alphabetically, then the long ones
LAST = ["bench_export", "bench_scale"]


# ------------------------------------------------------------------------------------ discovery
def discover(only: set[str] | None) -> list[Path]:
    files = sorted(BENCH_DIR.glob("bench_*.py"))

    def key(p: Path):
        stem = p.stem
        if stem in LAST:
            return (2, LAST.index(stem))
        return (0, ORDER.index(stem)) if stem in ORDER else (1, stem)

    files.sort(key=key)
    if only:
        files = [f for f in files if f.stem.removeprefix("bench_") in only or f.stem in only]
    return files


def has_run_function(path: Path) -> bool:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:
        return False
    return any(isinstance(node, ast.FunctionDef) and node.name == "run" and node.args.args for node in tree.body)


# --------------------------------------------------------------------------------- normalising
def to_row(item, module: str) -> Row:
    if isinstance(item, Row):
        return item
    if isinstance(item, dict):
        return Row(
            benchmark=str(item.get("benchmark") or item.get("name") or item.get("label") or module),
            figure=str(item.get("figure") or item.get("value") or item.get("result") or ""),
            floor=str(item.get("floor") or item.get("limit_measured") or item.get("baseline") or ""),
            goal=str(item.get("goal") or item.get("limit") or ""),
            met=item.get("met") if isinstance(item.get("met"), bool) or item.get("met") is None else bool(item["met"]),
            group=str(item.get("group") or module.removeprefix("bench_")),
        )
    if isinstance(item, (list, tuple)):
        values = list(item) + [""] * (5 - len(item))
        met = values[4] if isinstance(values[4], bool) else None
        return Row(
            str(values[0]), str(values[1]), str(values[2]), str(values[3]), met, group=module.removeprefix("bench_")
        )
    return Row(module, str(item), group=module.removeprefix("bench_"))


def child(module: str, quick: bool) -> None:
    """Entry point inside the child process of a `run(ctx)` module."""
    import importlib

    url = bench_env()["DATABASE_URL"] or DEFAULT_DB_URL
    ctx = Context(db_url=url, vendor=vendor_of(url), quick=quick)
    mod = importlib.import_module(f"bench.{module}")
    result = mod.run(ctx) or []
    if isinstance(result, (Row, dict)):
        result = [result]
    emit([to_row(r, module) for r in result])


def run_module(path: Path, *, quick: bool, env: dict, log_dir: Path) -> tuple[list[Row], str]:
    module = path.stem
    log = log_dir / f"{module}.log"
    t0 = time.perf_counter()
    if has_run_function(path):
        cmd = [PYTHON, "-c", f"from bench.run import child; child({module!r}, {quick!r})"]
    else:
        cmd = [PYTHON, str(path)] + (["--quick"] if quick and "--quick" in path.read_text(encoding="utf-8") else [])
    try:
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=MODULE_TIMEOUT)
        out, err, code = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as exc:
        out, err, code = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), "", -9
        err = f"timed out after {MODULE_TIMEOUT} s"
    seconds = time.perf_counter() - t0
    log.write_text(
        f"$ {' '.join(cmd)}\n--- stdout\n{out}\n--- stderr\n{err}\n--- exit {code}, {seconds:.0f} s\n", encoding="utf-8"
    )
    rows: list[Row] = []
    other_lines: list[str] = []
    for line in out.splitlines():
        if line.startswith("BENCH-ROWS "):
            rows += [to_row(r, module) for r in json.loads(line[len("BENCH-ROWS ") :])]
            continue
        stripped = line.strip()
        if stripped.startswith(("{", "[")):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict) and ("benchmark" in parsed or "name" in parsed):
                rows.append(to_row(parsed, module))
                continue
            if isinstance(parsed, list) and parsed and all(isinstance(p, dict) for p in parsed):
                rows += [to_row(p, module) for p in parsed]
                continue
        if stripped:
            other_lines.append(line.rstrip())
    if not rows:
        summary = "; ".join(other_lines[-6:])[:400] or "(no output)"
        rows.append(
            Row(
                f"{path.name} (script output)",
                summary,
                group=module.removeprefix("bench_"),
                met=False if code else None,
            )
        )
    if code:
        tail = (err.strip().splitlines() or ["?"])[-1][:200]
        rows.append(Row(f"{path.name} failed (exit {code})", tail, group=module.removeprefix("bench_"), met=False))
    text = "\n".join(other_lines) if not has_run_function(path) else ""
    return rows, text


# ------------------------------------------------------------------------------------- machine
def machine(db_url: str) -> dict[str, str]:
    info: dict[str, str] = {"nproc": str(os.cpu_count())}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        info["cpu"] = match.group(1).strip() if match else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"MemTotal:\s*(\d+)", meminfo).group(1))
        info["ram"] = f"{kb / 1048576:.1f} GiB"
    except (OSError, AttributeError):
        info["ram"] = "?"
    info["python"] = platform.python_version()
    info["sqlite"] = sqlite3.sqlite_version
    info["postgresql"] = postgres_version(db_url)
    info["os"] = platform.platform()
    return info


def postgres_version(db_url: str) -> str:
    if vendor_of(db_url) == "postgresql":
        code = (
            "import psycopg,sys\n"
            "with psycopg.connect(sys.argv[1]) as c: print(c.execute('show server_version').fetchone()[0])"
        )
        done = subprocess.run([PYTHON, "-c", code, db_url], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.strip() + " (server in use)"
    try:
        done = subprocess.run(["psql", "--version"], capture_output=True, text=True)
        return done.stdout.strip() + " (client; not used by this run)"
    except OSError:
        return "not installed"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ---------------------------------------------------------------------------------------- table
HEAD = ("benchmark", "figure (median, p95)", "floor / limit measured in the same run", "goal", "met?")


def met_text(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")


def table(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(HEAD) + " |", "|" + "|".join("---" for _ in HEAD) + "|"]
    for r in rows:
        lines.append(
            "| " + " | ".join(cell(x) for x in (r.benchmark, r.figure, r.floor, r.goal, met_text(r.met))) + " |"
        )
    return "\n".join(lines)


def write_results(section: str, vendor: str) -> None:
    start, end = f"<!-- results:{vendor}:start -->", f"<!-- results:{vendor}:end -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def section(vendor, started, info, load_before, load_after, db_url, quick, rows, partial="") -> str:
    met = [r for r in rows if r.met is not None]
    machine_text = "; ".join(f"{k}: {v}" for k, v in info.items())
    return (
        f"### {vendor} — {started:%Y-%m-%d %H:%M} UTC{' (quick run)' if quick else ''}{partial}\n\n"
        f"Machine: {machine_text}.  \n"
        f"Load average (1, 5, 15 min) before / after: {load_before} / {load_after} — other work was running "
        f"on the machine when the load is above {info['nproc']}; latency and throughput suffer first.  \n"
        f"Command: `{'DATABASE_URL=' + db_url + ' ' if vendor != 'sqlite' else ''}make bench"
        f"{' BENCH_ARGS=--quick' if quick else ''}`\n\n{table(rows)}\n\n"
        f"{sum(1 for r in met if r.met)} of {len(met)} goals met."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--only", default="", help="comma-separated module names, e.g. peak,pages")
    parser.add_argument("--no-results", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args()

    env = bench_env()
    db_url = env["DATABASE_URL"] or DEFAULT_DB_URL
    vendor = vendor_of(db_url)
    log_dir = Path("/tmp/congvu-bench")
    log_dir.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    print(f"CongVu benchmarks on {vendor} ({db_url}); logs in {log_dir}", flush=True)
    try:
        print("  database:", ensure_province(db_url), flush=True)
    except subprocess.CalledProcessError as exc:
        print("  could not prepare the database:", (exc.stderr or "")[-2000:], flush=True)
        return 1
    load_before = load_average()
    all_rows: list[Row] = []
    script_outputs: list[tuple[str, str]] = []
    only = {x.strip() for x in args.only.split(",") if x.strip()} or None
    modules = discover(only)
    info = machine(db_url)
    for index, path in enumerate(modules, 1):
        t0 = time.perf_counter()
        print(f"  running {path.name} ...", flush=True)
        rows, text = run_module(path, quick=args.quick, env=env, log_dir=log_dir)
        print(f"    {len(rows)} figures in {time.perf_counter() - t0:.0f} s", flush=True)
        all_rows += rows
        if text:
            script_outputs.append((path.name, text))
        if not args.no_results:  # written after every module, so a long run keeps what it measured
            partial = "" if index == len(modules) else f" (partial: {index} of {len(modules)} modules done)"
            write_results(
                section(vendor, started, info, load_before, load_average(), db_url, args.quick, all_rows, partial),
                vendor,
            )
    result = table(all_rows)
    print()
    print(result)
    met = [r for r in all_rows if r.met is not None]
    print(
        f"\n{sum(1 for r in met if r.met)} of {len(met)} goals met.  Load average before/after: "
        f"{load_before} / {load_average()} on {info['nproc']} CPUs."
    )
    for name, text in script_outputs:
        print(f"\n--- output of {name}\n{text[-3000:]}")
    if not args.no_results:
        print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
