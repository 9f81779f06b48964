"""The work list as a plan: reasons from evidence, the data-quality split, priorities, outcomes as evidence."""

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from birtizim.cli import app
from birtizim.engine import labels, pipeline, plan
from birtizim.engine.ingest import Source
from tests.regions import synthetic_region

AS_OF = dt.date(2019, 12, 31)


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=3_000, seed=5)


def sources(region: Path) -> list[Source]:
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    return [Source(s["kind"], region / s["path"]) for s in manifest["sources"]]


@pytest.fixture(scope="module")
def first(region: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    run = pipeline.reconcile(sources(region), tmp_path_factory.mktemp("run"))
    return duckdb.connect(str(run.folder / "run.duckdb"), read_only=True)


def test_it_gives_each_resident_a_reason_an_action_and_a_priority(first: duckdb.DuckDBPyConnection) -> None:
    rows = first.execute("SELECT reason, action, priority, reason_facts, lists, status FROM worklist").fetchall()
    assert rows and all(r[0] and r[1] and r[2] >= 1 for r in rows)
    for reason, _action, _priority, facts, lists, status in rows:
        found = json.loads(facts)
        if reason == "in_no_list":
            assert status == "undetermined" and lists == [] and "pension" in found["absent"]
    # the sentence says which lists the resident is not in, in the reader's language
    reason, facts = first.execute(
        "SELECT reason, reason_facts FROM worklist WHERE reason = 'in_no_list' LIMIT 1"
    ).fetchone()  # type: ignore[misc]
    assert "Получатели пенсий" in labels.sentence("reason", reason, facts, "ru")
    assert "Зейнетақы алушылар" in labels.sentence("reason", reason, facts, "kk")


def test_categories_ending_soon_are_on_the_list(first: duckdb.DuckDBPyConnection) -> None:
    rows = first.execute(
        "SELECT category, reason_facts, birth_date FROM worklist WHERE reason = 'category_ending'"
    ).fetchall()
    categories = {r[0] for r in rows}
    assert "children" in categories and categories & {"childcare_leave", "nonworking_parent"}
    horizon = dt.date(2020, 3, 31)  # the region's status date, 31.12.2019, and three months
    for category, facts, born in rows:
        ends = dt.date.fromisoformat(json.loads(facts)["ends"])
        assert ends <= horizon
        if category == "children":
            assert ends == born.replace(year=born.year + 18)
    category, facts, _ = rows[0]
    said = labels.sentence("reason", "category_ending", facts, "ru")
    assert labels.word("category", category, "ru") in said and re.search(r"\d\d\.\d\d\.\d{4}", said)


def test_it_puts_undetermined_residents_with_a_phone_first(first: duckdb.DuckDBPyConnection) -> None:
    by = dict(
        first.execute(
            "SELECT phone IS NOT NULL, min(priority) FROM worklist WHERE reason = 'in_no_list' GROUP BY 1"
        ).fetchall()
    )
    assert by[True] < by[False]
    # within each district the list is in the order of the day
    got = first.execute("SELECT district, priority FROM worklist").fetchall()
    assert got == sorted(got)


def test_rows_no_call_can_fix_go_to_data_quality(first: duckdb.DuckDBPyConnection) -> None:
    quality = first.execute("SELECT DISTINCT type FROM data_quality").fetchall()
    assert {t for (t,) in quality} <= set(plan.DATA_QUALITY_TYPES) and quality
    leaked = first.execute(
        "SELECT count(*) FROM worklist WHERE conflicts LIKE '%duplicate_in_list%' "
        "OR conflicts LIKE '%district_mismatch%'"
    ).fetchone()
    assert leaked == (0,)
    # a resident whose only issue is a duplicate row is not on the call list
    only = first.execute(
        """SELECT count(*) FROM data_quality q JOIN statuses s USING (person_id)
           WHERE s.status <> 'undetermined' AND q.person_id NOT IN (SELECT person_id FROM worklist)"""
    ).fetchone()
    assert only is not None and only[0] > 0


def test_outcomes_are_evidence_beside_the_agencies(
    region: Path, first: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    undetermined = first.execute(
        "SELECT person_id, iin FROM worklist WHERE reason = 'in_no_list' ORDER BY person_id LIMIT 2"
    ).fetchall()
    payer = first.execute(
        "SELECT person_id, last_payment_month FROM statuses WHERE status = 'contributor' ORDER BY person_id LIMIT 1"
    ).fetchone()
    assert payer is not None and len(undetermined) == 2
    before_payment = payer[1] - dt.timedelta(days=40)
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "person_id,iin,result,on_date,category,follow_up,recorded_at\n"
        f"{undetermined[0][0]},,left_country,2019-11-12,,,2019-12-01T10:00:00\n"
        f",{undetermined[1][1]},will_pay,,,2019-12-20,2019-12-02T10:00:00\n"
        f"{payer[0]},,left_country,{before_payment},,,2019-12-03T10:00:00\n",
        encoding="utf-8",
    )
    run = pipeline.reconcile(sources(region), tmp_path / "run", outcomes=outcomes)
    con = duckdb.connect(str(run.folder / "run.duckdb"), read_only=True)
    evidence = {
        r[0]: r[1:]
        for r in con.execute("SELECT person_id, result, disagrees, disagreement FROM outcome_evidence").fetchall()
    }
    assert evidence[undetermined[0][0]] == ("left_country", False, None)
    assert evidence[payer[0]] == ("left_country", True, "paid_after")
    # the status stays the agencies'; the disagreement is a conflict with its facts
    status = con.execute("SELECT status FROM statuses WHERE person_id = ?", [payer[0]]).fetchone()
    assert status == ("contributor",)
    facts = con.execute(
        "SELECT facts FROM conflicts WHERE type = 'outcome_disagrees' AND person_id = ?", [payer[0]]
    ).fetchone()
    assert facts is not None and "contributions" in labels.sentence("conflict", "outcome_disagrees", facts[0], "en")
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT person_id, priority, action, outcome, outcome_facts, status FROM worklist"
        ).fetchall()
    }
    # emigration reported and nothing contradicts it: worked, last of the day; still undetermined
    worked = rows[undetermined[0][0]]
    assert worked[0] == 9 and worked[1] == "no_action" and worked[4] == "undetermined"
    assert (
        labels.sentence("outcome", "left_country", worked[3], "ru")
        == "Специалист сообщил о выезде из страны 12.11.2019"
    )
    # a promise to pay whose follow-up date has come is first
    assert rows[undetermined[1][0]][:2] == (1, "call_follow_up")
    assert rows[payer[0]][0] == 3 and rows[payer[0]][1] == "check_outcome"


@pytest.mark.parametrize(
    ("result", "on_date", "category", "follow_up", "born", "sex", "expected"),
    [
        ("actualised", None, "pensioner", None, dt.date(1977, 5, 1), "F", ["category_age"]),
        ("actualised", None, "pensioner", None, dt.date(1955, 5, 1), "F", []),
        ("actualised", None, None, None, dt.date(1977, 5, 1), "F", ["category_required"]),
        ("actualised", None, "pregnant", None, dt.date(1990, 5, 1), "M", ["category_sex"]),
        ("actualised", None, "pensioner", None, dt.date(1957, 5, 1), "М", ["category_age"]),  # Cyrillic М, 62
        ("actualised", None, "pensioner", None, dt.date(1957, 5, 1), "Ж", []),
        ("actualised", None, "children", None, dt.date(1990, 5, 1), "M", ["category_age"]),
        ("left_country", None, None, None, dt.date(1977, 5, 1), "M", ["date_required"]),
        ("left_country", dt.date(2019, 11, 1), None, None, dt.date(1977, 5, 1), "M", []),
        ("deceased", dt.date(2020, 2, 1), None, None, dt.date(1977, 5, 1), "M", ["date_in_future"]),
        ("will_pay", None, None, None, dt.date(1977, 5, 1), "M", ["follow_up_required"]),
        ("will_pay", None, None, dt.date(2020, 1, 15), dt.date(1977, 5, 1), "M", []),
        ("refused", None, None, None, None, None, []),
        ("moved", None, None, None, None, None, ["unknown_result"]),
    ],
)
def test_outcome_problems(
    result: str,
    on_date: dt.date | None,
    category: str | None,
    follow_up: dt.date | None,
    born: dt.date | None,
    sex: str | None,
    expected: list[str],
) -> None:
    got = plan.outcome_problems(result, on_date, category, follow_up, born, sex, AS_OF)
    assert got == expected
    assert all(labels.word("outcome_problem", code, "kk") != code for code in got)


def test_every_code_has_words_in_three_languages() -> None:
    from birtizim.reference import actions

    for code in plan.OUTCOMES:
        assert {labels.word("outcome", code, lang) for lang in ("ru", "kk", "en")} - {code}
    for rule in actions.REASONS:
        for action in (rule.action, rule.action_no_phone):
            assert labels.word("action", action, "ru") != action
        assert labels.word("reason", rule.reason, "kk") != rule.reason
        assert rule.reason in labels.SENTENCES["reason"]
    assert set(plan.OUTCOME_FIELDS) == set(plan.OUTCOMES)


def test_sentence_sql_says_what_sentence_says() -> None:
    con = duckdb.connect()
    cases = [
        ("reason", "in_no_list", {"absent": ["pension", "asp"]}),
        ("reason", "turned_adult", {"adult_on": "2019-05-02", "absent": ["students"]}),
        ("conflict", "duplicate_in_list", {"source": "pension", "times": 1200}),
        ("conflict", "uncertain_match", {"source": "asp", "reason": "iin_disputed", "probability": 0.81234}),
        ("conflict", "contributions_and_nonworking_category", {"unemployed": True, "asp": True}),
        ("outcome", "will_pay", {"follow_up": "2020-01-15"}),
    ]
    for kind, code, facts in cases:
        for lang in ("ru", "kk", "en"):
            sql = labels.sentence_sql(kind, "c", "f", lang)
            got = con.execute(f"SELECT {sql} FROM (SELECT ? AS c, ?::JSON AS f)", [code, json.dumps(facts)]).fetchone()
            assert got == (labels.sentence(kind, code, facts, lang),), (kind, code, lang)


def test_the_cli_writes_in_the_readers_language(region: Path, tmp_path: Path) -> None:
    english = {"Districts", "Sources", "Work list", "status", "iin", "reason", "action", "priority", "phone"}
    for lang, sheet, header in (
        ("ru", "Районы", "Причина"),
        ("kk", "Аудандар", "Себебі"),
        ("en", "Districts", "Reason"),
    ):
        out = tmp_path / lang
        result = CliRunner().invoke(app, ["reconcile", "--synthetic", str(region), "--out", str(out), "--lang", lang])
        assert result.exit_code == 0, result.output
        book = CalamineWorkbook.from_path(str(out / "report.xlsx"))
        assert sheet in book.sheet_names
        work = CalamineWorkbook.from_path(str(next((out / "worklists").glob("*.xlsx")))).get_sheet_by_index(0)
        head, *rows = work.to_python()
        assert header in head and rows
        if lang != "en":
            words = set(book.sheet_names) | {str(h) for h in head}
            for name in book.sheet_names:
                words |= {str(h) for h in book.get_sheet_by_name(name).to_python()[0]}
            assert not words & english, words & english
            assert not any(c.isascii() and c.isalpha() for h in head for c in str(h)), head
    result = CliRunner().invoke(
        app, ["reconcile", "--synthetic", str(region), "--out", str(tmp_path / "x"), "--lang", "de"]
    )
    assert result.exit_code == 2 and "--lang" in result.output


def test_reject_reasons_are_said_in_the_language() -> None:
    con = duckdb.connect()
    said = [
        con.execute(f"SELECT {labels.reject_sql('r', lang)} FROM (SELECT ? AS r)", [reason]).fetchone()
        for reason, lang in (("too_many_fields:5:3", "ru"), ("empty_row", "kk"), ("something_new:1", "ru"))
    ]
    assert said == [("лишние поля: 5, а в заголовке 3",), ("бос жол",), ("something_new:1",)]
