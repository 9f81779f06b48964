"""How fast the pages people use most answer with a large run loaded, alone and under load.

    python -m bench.web_pages --region bench/.data/almaty-2059200-s1 --requests 100
    deploy/postgres.sh run -- python -m bench.web_pages --region ... --load --users 50 --seconds 60

The region's files go through the web's own upload and run services (as an analyst's would; the run is
then published). Then, by default, the dashboard, a work-list page and a work-list search, and the review
band's list and one of its rows are requested ``--requests`` times each through Django's full stack
(middleware, sessions, scope checks, audit rows, templates) with DEBUG off, in this process: no HTTP
server, no network. The review load is reported beside them: rows in the review band, by source and by
district.

``--load`` measures the production stack instead: gunicorn with deploy/gunicorn.conf.py (``--workers``
sync workers, production settings) on the database of DATABASE_URL (PostgreSQL, as in production;
SQLite if unset), and a threaded HTTP client in this process. First one user requests a work-list page
after another (the page alone, HTTP included); then ``--users`` users at once for ``--seconds``: half
reload the dashboard, half page through the longest work list (random pages), each with their own
session, each sending the next request when the last answered (no think time unless ``--think``).
Every answer must be 200; the client's own CPU time is reported, since it shares the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _configure(work: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "birtizim.web.settings"
    os.environ["BIRTIZIM_DATA_DIR"] = str(work)
    os.environ.setdefault("BIRTIZIM_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["BIRTIZIM_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.pop("BIRTIZIM_DEBUG", None)  # production settings: no SQL query log, templates cached
    import django

    django.setup()


def _load_run(region: Path) -> tuple[Any, float]:
    """The latest succeeded run, or a new one made from the region's files; returns (run, seconds to make it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from birtizim.web.accounts.models import Role
    from birtizim.web.accounts.scope import Scope
    from birtizim.web.accounts.services import user_create
    from birtizim.web.registry import services
    from birtizim.web.registry.models import Run

    done = Run.objects.filter(state=Run.State.SUCCEEDED).order_by("-pk").first()
    if done is not None:
        return done, float("nan")
    analyst = user_create(username="bench-analyst", password=secrets.token_urlsafe(12), role=Role.ANALYST)
    scope = Scope(Role.ANALYST, None)
    started = time.perf_counter()
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    for source in manifest["sources"]:
        path = region / source["path"]
        services.upload_create(
            scope=scope, user=analyst, kind=source["kind"], file=SimpleUploadedFile(path.name, path.read_bytes())
        )
    services.run_create(scope=scope, user=analyst)
    claimed = services.run_claim_next()
    assert claimed is not None
    run = services.run_execute(claimed)
    if run.state != Run.State.SUCCEEDED:
        sys.exit(f"the run failed: {run.error}")
    run = services.run_publish(scope=scope, user=analyst, run=run, acknowledged=True, note="benchmark")
    return run, time.perf_counter() - started


def _user(name: str, role: str, districts: list[str]) -> Any:
    from django.contrib.auth.models import User

    from birtizim.web.accounts.services import user_create

    User.objects.filter(username=name).delete()
    return user_create(username=name, password=secrets.token_urlsafe(12), role=role, districts=districts)


def _time(client: Any, url: str, requests: int, headers: dict[str, str] | None = None) -> dict[str, Any]:
    for _ in range(3):  # warm: the run's DuckDB file is opened once per process and cached
        client.get(url, secure=True, headers=headers or {})
    seconds = []
    size = 0
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, secure=True, headers=headers or {})
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        size = len(response.content)
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {
        "url": url,
        "requests": requests,
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
        "bytes": size,
    }


def _review_load(run: Any) -> dict[str, Any]:
    """How many rows wait for a person: in all, by source and by district (busiest first)."""
    from birtizim.web.registry import runstore

    by_source = runstore.rows(run.folder, "SELECT source, count(*) AS rows FROM review GROUP BY 1 ORDER BY 2 DESC")
    by_district = runstore.rows(
        run.folder, "SELECT district, count(*) AS rows FROM review GROUP BY 1 ORDER BY 2 DESC, 1"
    )
    return {
        "rows": sum(int(r["rows"]) for r in by_source),
        "agency_rows": int(runstore.value(run.folder, "SELECT count(*) FROM agency") or 0),
        "by_source": by_source,
        "by_district": by_district,
    }


def _quantiles(seconds: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive") if len(seconds) > 1 else seconds * 99
    return {
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, url: str, cookie: str) -> tuple[int, float, int]:
    """One request on a new connection (gunicorn's sync workers close each one): (status, seconds, bytes)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
        response = conn.getresponse()
        size = len(response.read())
        return response.status, time.perf_counter() - started, size
    finally:
        conn.close()


def _tree_cpu(root: int) -> float:
    """CPU seconds used by a process and all its descendants, the finished ones included (Linux /proc).

    On a machine shared with other work, seconds of CPU per request are the figure that does not
    depend on what else runs: the latencies do.
    """
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based from state.
        parent[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += used.get(pid, 0.0)
        todo += [child for child, p in parent.items() if p == pid]
    return total


def _postgres_pid() -> int | None:
    """The PostgreSQL server deploy/postgres.sh started for DATABASE_URL (its socket folder holds its data)."""
    url = os.environ.get("DATABASE_URL", "")
    if "host=" not in url:
        return None
    pidfile = Path(url.split("host=", 1)[1].split("&", 1)[0]) / "data" / "postmaster.pid"
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _session(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def _gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BIRTIZIM_BIND": f"127.0.0.1:{port}",
        "BIRTIZIM_WORKERS": str(workers),
        "BIRTIZIM_SSL_REDIRECT": "0",  # no TLS on this machine: the client speaks plain HTTP
        "BIRTIZIM_TRUSTED_PROXIES": "0",
        "BIRTIZIM_ACCESS_LOG": "",  # the client measures; a log line per request would cost the server
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy/gunicorn.conf.py"),
            "birtizim.web.wsgi",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            if _get(port, "/health/", "")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    sys.exit(f"gunicorn did not answer; see {log}")


def _load(args: argparse.Namespace, run: Any, district: str, listed: int) -> dict[str, Any]:
    from django.db import connection

    from birtizim.web.accounts.models import Role
    from birtizim.web.registry.selectors import PAGE_SIZE

    pages = max(1, -(-listed // PAGE_SIZE))
    half = args.users // 2
    users = [("dashboard", _session(_user(f"bench-load-analyst-{i}", Role.ANALYST, []))) for i in range(half)]
    users += [
        ("work list", _session(_user(f"bench-load-officer-{i}", Role.OFFICER, [district])))
        for i in range(args.users - half)
    ]
    port = _free_port()
    server = _gunicorn(port, args.workers, args.work / "gunicorn.log")
    try:
        for _ in range(4 * args.workers):  # every worker opens the run's DuckDB file once
            _get(port, "/", users[0][1])
            _get(port, f"/worklists/{district}/", users[-1][1])
        alone: list[float] = []
        for n in range(args.requests):
            status, seconds, _size = _get(port, f"/worklists/{district}/?page={1 + n % pages}", users[-1][1])
            if status != 200:
                sys.exit(f"work list alone: HTTP {status}")
            alone.append(seconds)

        results: dict[str, list[float]] = {"dashboard": [], "work list": []}
        errors: dict[str, list[str]] = {"dashboard": [], "work list": []}
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds
        start = threading.Barrier(len(users))

        def user_loop(kind: str, cookie: str, seed: int) -> None:
            rng = random.Random(seed)
            start.wait()
            while time.monotonic() < deadline:
                url = "/" if kind == "dashboard" else f"/worklists/{district}/?page={rng.randint(1, pages)}"
                try:
                    status, seconds, _size = _get(port, url, cookie)
                except OSError as exc:
                    with lock:
                        errors[kind].append(type(exc).__name__)
                    continue
                with lock:
                    results[kind].append(seconds)
                    if status != 200:
                        errors[kind].append(str(status))
                if args.think:
                    time.sleep(rng.uniform(0, 2 * args.think))

        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        postgres = _postgres_pid()
        server_before = _tree_cpu(server.pid)
        database_before = _tree_cpu(postgres) if postgres else 0.0
        threads = [
            threading.Thread(target=user_loop, args=(kind, cookie, seed)) for seed, (kind, cookie) in enumerate(users)
        ]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = _tree_cpu(server.pid) - server_before
        database_cpu = (_tree_cpu(postgres) - database_before) if postgres else None
    finally:
        server.terminate()
        server.wait(30)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    answered = sum(len(found) for found in results.values())
    return {
        "server": f"gunicorn, {args.workers} sync workers, deploy/gunicorn.conf.py, production settings",
        "database": connection.vendor,
        "work_list_alone": {"requests": len(alone), **_quantiles(alone)},
        "users": args.users,
        "seconds": round(elapsed, 1),
        "think_seconds": args.think,
        "client_cpu_seconds": round(client_cpu, 1),
        "server_cpu_seconds": round(server_cpu, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(answered, 1), 2),
        "database_cpu_ms_per_request": None
        if database_cpu is None
        else round(1000 * database_cpu / max(answered, 1), 2),
        "machine_load_average": os.getloadavg()[0],
        "pages": {
            kind: {
                "requests": len(found),
                "per_second": round(len(found) / elapsed, 1),
                "errors": len(errors[kind]),
                **(_quantiles(found) if found else {}),
            }
            for kind, found in results.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", type=Path, required=True, help="a folder written by `birtizim synth`")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path("bench/.data/web"), help="the web's data folder")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--load", action="store_true", help="gunicorn and concurrent users instead of in-process")
    parser.add_argument("--users", type=int, default=50, help="--load: users at once (half dashboard, half list)")
    parser.add_argument("--seconds", type=float, default=60, help="--load: how long")
    parser.add_argument("--workers", type=int, default=4, help="--load: gunicorn workers")
    parser.add_argument("--think", type=float, default=0.0, help="--load: mean seconds a user waits between pages")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    _configure(args.work.resolve())
    from django.core.management import call_command
    from django.test import Client

    from birtizim.web.accounts.models import Role
    from birtizim.web.registry import runstore

    call_command("migrate", verbosity=0)
    run, load_seconds = _load_run(args.region)
    residents = runstore.value(run.folder, "SELECT sum(residents) FROM district_report")
    # The district with the longest work list: the slowest page an officer can ask for.
    district, listed = runstore.rows(
        run.folder, "SELECT district, count(*) AS n FROM worklist GROUP BY 1 ORDER BY n DESC LIMIT 1"
    )[0].values()
    some_name = runstore.value(
        run.folder, "SELECT last_name FROM worklist WHERE district = ? ORDER BY person_id LIMIT 1", [district]
    )

    if args.load:
        figures = _load(args, run, district, listed)
        result = {"residents": residents, "run": run.pk, "district": district, "work_list_rows": listed, **figures}
        print(f"run #{run.pk}: {residents:,} residents; {district}: {listed:,} residents in the work list")
        print(f"{figures['server']}; {figures['database']}; client CPU {figures['client_cpu_seconds']} s")
        print(
            f"CPU per request: gunicorn {figures['server_cpu_ms_per_request']} ms, PostgreSQL "
            f"{figures['database_cpu_ms_per_request']} ms; load average at the end {figures['machine_load_average']}"
        )
        alone = figures["work_list_alone"]
        print(
            f"work list alone over HTTP: p50 {alone['p50_ms']} ms, p95 {alone['p95_ms']} ms, max {alone['max_ms']} ms"
        )
        print(f"{args.users} users for {figures['seconds']} s (think {args.think} s):")
        print("| page | requests | per s | errors | p50 ms | p95 ms | p99 ms | max ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for kind, p in figures["pages"].items():
            print(
                f"| {kind} | {p['requests']} | {p['per_second']} | {p['errors']} | {p.get('p50_ms')} | "
                f"{p.get('p95_ms')} | {p.get('p99_ms')} | {p.get('max_ms')} |"
            )
        if args.out:
            args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        runstore.close_all()
        return

    analyst, officer = Client(), Client()
    analyst.force_login(_user("bench-analyst-web", Role.ANALYST, []))
    officer.force_login(_user("bench-officer", Role.OFFICER, [district]))
    htmx = {"HX-Request": "true"}
    review = _review_load(run)
    busiest = review["by_district"][0]["district"] if review["by_district"] else district
    reviewer = Client()
    reviewer.force_login(_user("bench-reviewer", Role.OFFICER, [busiest]))
    row = runstore.value(
        run.folder,
        "SELECT record_id FROM review ORDER BY coalesce(share, match_probability, 0) DESC, source, row_number LIMIT 1",
    )
    review_pages = {
        "review list, first page (analyst, whole region)": _time(analyst, "/review/", args.requests),
        "review list, page 20 (analyst)": _time(analyst, "/review/?page=20", args.requests),
        f"review list (officer of the district with most review rows, {busiest})": _time(
            reviewer, "/review/", args.requests
        ),
    }
    if row is not None:  # a small or clean region may leave nothing to review
        review_pages["review row with its candidates (analyst)"] = _time(
            analyst, f"/review/{run.pk}/{row}/", args.requests
        )
    pages = {
        "dashboard (analyst, whole region)": _time(analyst, "/", args.requests),
        "work list, first page (officer)": _time(officer, f"/worklists/{district}/", args.requests),
        "work list, page 50 (officer)": _time(officer, f"/worklists/{district}/?page=50", args.requests),
        "work list search by surname (htmx)": _time(
            officer, f"/worklists/{district}/?q={some_name}", args.requests, htmx
        ),
        **review_pages,
    }
    result = {
        "residents": residents,
        "run": run.pk,
        "run_seconds_through_web_services": None if load_seconds != load_seconds else round(load_seconds, 1),
        "district": district,
        "work_list_rows": listed,
        "review": review,
        "pages": pages,
    }
    print(f"run #{run.pk}: {residents:,} residents; {district}: {listed:,} residents in the work list")
    print(
        f"review band: {review['rows']:,} rows of {review['agency_rows']:,} agency rows "
        f"({review['rows'] / max(review['agency_rows'], 1):.3%}); by source: "
        + ", ".join(f"{s['source']} {s['rows']:,}" for s in review["by_source"])
    )
    if result["run_seconds_through_web_services"] is not None:
        print(f"upload + run through the web services: {result['run_seconds_through_web_services']} s")
    print("| page | p50 ms | p95 ms | max ms | KiB |\n|---|---:|---:|---:|---:|")
    for name, p in pages.items():
        print(f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p['max_ms']} | {p['bytes'] // 1024} |")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    runstore.close_all()


if __name__ == "__main__":
    main()
