"""The whole pass: values, flags with their sentences, the meeting's case, the demo and a run's figures."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from outreach_cases import meeting_data, one

from birtizim.outreach.data_elements import build_values
from birtizim.outreach.flags import SEVERITY_RANK, evaluate_all
from birtizim.outreach.model import (
    Dataset,
    DistrictFigures,
    DistrictReport,
    OutreachEvent,
    SurveyResult,
)
from birtizim.outreach.run_figures import load_figures
from birtizim.outreach.survey import by_occupation, overall
from birtizim.synth.outreach import AS_OF, PERIODS, build_demo

MEETING_SENTENCE = (
    "Talgar reports 100% of residents reached, yet the survey found 23% (95% CI 19–27%) had never heard of "
    "OSMS and only 3 questions were received for 48,000 reached."
)


def test_the_case_from_the_regional_meeting_is_flagged_on_hand_built_data() -> None:
    data = meeting_data()
    flags = evaluate_all(data, periods=["2019-11"], as_of=dt.date(2020, 1, 1))
    flag = one(flags, "reported_reach_vs_survey", "talgar", "2019-11")
    assert flag.explanation == MEETING_SENTENCE
    assert flag.severity == "high"
    assert flag.numbers["reported_reach_share"] == 1.0
    assert flag.numbers["survey_unaware_share"] == pytest.approx(0.23)
    assert (flag.numbers["questions_to_date"], flag.numbers["reach_to_date"]) == (3, 48_000)
    assert flag.numbers["left"] == pytest.approx(0.23)
    assert flag.key == "reported_reach_vs_survey:talgar:2019-11"
    # The same district with a plausible report raises no such flag.
    honest = Dataset(
        figures=data.figures,
        events=data.events,
        questions=data.questions,
        surveys=data.surveys,
        reports=(DistrictReport("talgar", "2019-11", 0.25, 0.92, dt.date(2019, 12, 2), dt.date(2019, 12, 5)),),
    )
    assert not [f for f in evaluate_all(honest, periods=["2019-11"]) if f.code.startswith("reported_reach")]


CLAIMING = ("aksu", "alakol", "balkhash", "enbekshikazakh")  # the meeting's "100% of residents reached"


@pytest.mark.parametrize("seed", [1, 7])
def test_the_meeting_case_is_flagged_in_the_demo_whatever_the_seed(seed: int) -> None:
    flags = evaluate_all(build_demo(seed), as_of=AS_OF)
    for district in CLAIMING:
        survey = one(flags, "reported_reach_vs_survey", district, "2019-12")
        assert survey.severity == "high" and survey.numbers["reported_reach_share"] == 1.0
        assert survey.numbers["questions_to_date"] == 3
        log = one(flags, "reported_reach_vs_log", district, "2019-12")
        assert log.severity == "high" and 0.7 < (log.numbers["left"] or 0) < 0.82  # 100% less 19–27% logged
    enbekshikazakh = one(flags, "reported_reach_vs_survey", "enbekshikazakh", "2019-12").explanation
    assert enbekshikazakh == (
        "Enbekshikazakh reports 100% of residents reached, yet the survey found 23% (95% CI 19–27%) had never "
        "heard of OSMS and only 3 questions were received for 72,000 reached."
    )
    log = one(flags, "reported_reach_vs_log", "enbekshikazakh", "2019-12")
    assert "outreach log adds up to 72,000 people, 24% of 300,000 residents" in log.explanation
    assert one(flags, "questions_per_reach", "enbekshikazakh", "2019-12").severity == "medium"
    # No other district claims anything like it.
    claims = {f.district for f in flags if f.code.startswith("reported_reach_vs")}
    assert claims == set(CLAIMING)


def test_the_demo_raises_its_planted_flags_and_nothing_else_of_high_severity() -> None:
    flags = evaluate_all(build_demo(1), as_of=AS_OF)
    assert "6.1 points apart" in one(flags, "actualisation_vs_list", "kerbulak", "2019-12").explanation
    assert (one(flags, "outlier_reach_per_resident", "eskeldi", "2019-10").numbers["z"] or 0) > 3.5
    assert (one(flags, "outlier_reach_over_time", "eskeldi", "2019-10").numbers["value"] or 0) > 40_000
    assert one(flags, "report_filled_in", "panfilov", "2019-09").severity == "low"
    missing = one(flags, "report_missing", "koksu", "2019-12")
    assert missing.explanation == (
        "Koksu has not submitted its report for 2019-12, due 2020-01-05; 18 of 19 districts have (95%)."
    )
    one(flags, "report_missing", "balkhash", "2019-10")
    late = one(flags, "report_late", "talgar", "2019-11")
    assert late.explanation == (
        "Talgar submitted its report for 2019-11 on 2019-12-14, 9 days after the due date 2019-12-05."
    )
    one(flags, "report_late", "sarkand", "2019-12")
    assert {f.district for f in flags if f.severity == "high"} == {*CLAIMING, "kerbulak"}
    ranks = [SEVERITY_RANK[f.severity] for f in flags]
    assert ranks == sorted(ranks)
    assert len({f.key for f in flags}) == len(flags)
    assert all(f.explanation.endswith(".") and "n/a" not in f.explanation for f in flags if f.source != "rule")


def test_asking_for_one_period_keeps_the_history_for_outliers_over_time() -> None:
    flags = evaluate_all(build_demo(1), periods=["2019-10"], as_of=AS_OF)
    assert {f.period for f in flags} == {"2019-10"}
    one(flags, "outlier_reach_over_time", "eskeldi", "2019-10")


def test_a_report_not_yet_due_raises_no_flag() -> None:
    flags = evaluate_all(build_demo(1), as_of=dt.date(2020, 1, 3))
    assert not [f for f in flags if f.code == "report_missing" and f.period == "2019-12"]


def test_values_tell_zero_from_missing_and_carry_the_survey_forward() -> None:
    data = Dataset(
        figures=(DistrictFigures("ile", 1000, 900, 0.9),),
        events=(OutreachEvent("ile", dt.date(2019, 7, 1), "stand", "", 100),),
        surveys=(SurveyResult("ile", None, "2019-08", 100, 10, 5),),
        reports=(DistrictReport("ile", "2019-09", 0.2, None, dt.date(2019, 10, 1), dt.date(2019, 10, 5)),),
    )
    table = build_values(data, ["2019-07", "2019-08", "2019-09"])
    july, august, september = (table["ile", p] for p in ("2019-07", "2019-08", "2019-09"))
    assert (july["reach"], july["questions"], july["survey_unaware_share"]) == (100, 0, None)
    assert (august["reach"], august["reach_to_date"]) == (0, 100)
    assert september["survey_unaware_share"] == pytest.approx(0.1)  # August's survey still stands
    assert (september["reported_reach_share"], september["reported_actualisation"]) == (0.2, None)
    assert july["reported_reach_share"] is None
    assert september["list_actualisation"] == 0.9


def test_the_demo_is_deterministic() -> None:
    first, again, other = build_demo(1), build_demo(1), build_demo(2)
    assert first == again
    assert first != other
    assert first.periods == PERIODS
    assert len(first.districts) == 19
    # The planted numbers do not move with the seed.
    for data in (first, other):
        cells = [s for s in data.surveys if s.district == "enbekshikazakh"]
        assert (sum(s.sample_size for s in cells), sum(s.n_unaware for s in cells)) == (400, 92)
        assert sum(e.reach for e in data.events if e.district == "enbekshikazakh") == 72_000
        assert sum(q.count for q in data.questions if q.district in CLAIMING) == 3 * len(CLAIMING)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_demo_survey_tells_the_meetings_story(seed: int) -> None:
    """About 23% of those asked never heard of OSMS and about 26% rate the work poor; builders and
    civil servants are the least aware, and their intervals say the gap is not sampling noise."""
    data = build_demo(seed)
    region = overall(data.surveys, "2019-11")
    assert region is not None
    assert 0.21 <= region.unaware.share <= 0.25 and region.unaware.low < 0.23 < region.unaware.high + 0.01
    assert 0.24 <= region.poor.share <= 0.28
    groups = sorted(by_occupation(data.surveys, "2019-11").values(), key=lambda o: -o.unaware.share)
    assert {g.group for g in groups[:2]} == {"builders", "civil servants"}
    # Both least aware groups sit above the region's interval, not just above its share.
    assert all(g.unaware.low > region.unaware.high for g in groups[:2])


def test_figures_come_from_a_runs_district_report(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    con = duckdb.connect(str(run / "run.duckdb"))
    con.execute(
        "CREATE TABLE district_report (district VARCHAR, residents BIGINT, undetermined BIGINT, actualisation DOUBLE)"
    )
    codes = [d.district for d in build_demo(1).figures]
    con.executemany("INSERT INTO district_report VALUES (?, ?, ?, ?)", [(c, 1000, 80, 0.92) for c in codes])
    con.close()
    figures = load_figures(run)
    assert figures[0] == DistrictFigures(codes[0], 1000, 920, 0.92)
    data = build_demo(1, figures=figures)
    assert sum(e.reach for e in data.events if e.district == "enbekshikazakh") == 240  # 24% of 1,000
    assert evaluate_all(data, as_of=AS_OF)  # the whole pass runs on a run's scale
    with pytest.raises(ValueError, match="the demo plants its cases in"):
        build_demo(1, figures=figures[:3])
    with pytest.raises(FileNotFoundError, match="no run database"):
        load_figures(tmp_path / "nothing")
