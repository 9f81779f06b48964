"""How fast the pages people use most answer with a large run loaded.

    python -m bench.web_pages --region bench/.data/almaty-2059200-s1 --requests 100

The region's files go through the web's own upload and run services (as an analyst's would; the run is
then published), then the dashboard, a work-list page and a work-list search, and the review band's list
and one of its rows are requested ``--requests`` times each through Django's full stack (middleware,
sessions, scope checks, audit rows, templates) with DEBUG off. The HTTP server and the network are not
included: they are the same for every page. The review load is reported beside them: rows in the review
band, by source and by district.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def _configure(work: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "birtizim.web.settings"
    os.environ["BIRTIZIM_DATA_DIR"] = str(work)
    os.environ.setdefault("BIRTIZIM_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["BIRTIZIM_ALLOWED_HOSTS"] = "testserver"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", type=Path, required=True, help="a folder written by `birtizim synth`")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path("bench/.data/web"), help="the web's data folder")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
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
        "review row with its candidates (analyst)": _time(analyst, f"/review/{run.pk}/{row}/", args.requests),
    }
    pages = {
        "dashboard (analyst, whole region)": _time(analyst, "/", args.requests),
        "work list, first page (officer)": _time(officer, f"/worklists/{district}/", args.requests),
        "work list, page 50 (officer)": _time(officer, f"/worklists/{district}/?page=50", args.requests),
        "work list search by surname (htmx)": _time(
            officer, f"/worklists/{district}/?q={some_name}", args.requests, htmx
        ),
        **(review_pages if row is not None else {}),
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
