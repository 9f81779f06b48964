"""Wilson intervals, modified z-scores and completeness, each against numbers worked out by hand."""

import datetime as dt

import pytest

from birtizim.outreach.completeness import completeness
from birtizim.outreach.model import DistrictReport, SurveyResult, default_due_on
from birtizim.outreach.outliers import find_outliers, modified_z_scores
from birtizim.outreach.survey import by_district, by_occupation, proportion, wilson_interval


def test_wilson_interval_by_hand() -> None:
    # 92 of 400, z = 1.96: p = 0.23, z²/n = 0.009604, centre = (0.23 + 0.004802)/1.009604 = 0.232568,
    # half = 1.96/1.009604 · √(0.23·0.77/400 + 3.8416/640000) = 1.941355 · 0.021184 = 0.041125.
    low, high = wilson_interval(92, 400)
    assert low == pytest.approx(0.19144, abs=2e-5)
    assert high == pytest.approx(0.27369, abs=2e-5)
    # Nobody of 10: the lower bound is 0 and the upper z²/(n + z²) = 3.8415/13.8415 = 0.27753.
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 10)[1] == pytest.approx(0.27753, abs=1e-5)
    # Everybody of 10: the mirror image, and exactly 1 above.
    assert wilson_interval(10, 10)[0] == pytest.approx(0.72247, abs=1e-5)
    assert wilson_interval(10, 10)[1] == 1.0
    with pytest.raises(ValueError, match="at least one"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="not a possible count"):
        wilson_interval(11, 10)


def test_survey_shares_by_district_and_by_occupation() -> None:
    results = [
        SurveyResult("talgar", "builders", "2019-11", 100, 40, 30),
        SurveyResult("talgar", "teachers", "2019-11", 300, 52, 20),
        SurveyResult("ile", "builders", "2019-11", 50, 10, 5),
        # Ile was also surveyed district-wide: that is its figure, the builders' cell is a breakdown.
        SurveyResult("ile", None, "2019-11", 200, 20, 30),
        SurveyResult("ile", None, "2019-08", 100, 50, 10),
    ]
    districts = by_district(results, "2019-11")
    assert districts["talgar"].unaware == proportion(92, 400)
    assert districts["talgar"].poor.share == pytest.approx(50 / 400)
    assert (districts["ile"].sample_size, districts["ile"].unaware.k) == (200, 20)
    occupations = by_occupation(results, "2019-11")
    assert set(occupations) == {"builders", "teachers"}
    assert (occupations["builders"].sample_size, occupations["builders"].unaware.k) == (150, 50)
    assert occupations["builders"].unaware.low < 50 / 150 < occupations["builders"].unaware.high


def test_modified_z_scores_by_hand() -> None:
    # median 3; absolute deviations 2, 1, 0, 1, 97 -> MAD 1; z(100) = 0.6745 · 97 / 1 = 65.4265.
    z = modified_z_scores([1, 2, 3, 4, 100])
    assert (z.median, z.mad, z.scale) == (3.0, 1.0, "mad")
    assert z.scores == pytest.approx((-1.349, -0.6745, 0.0, 0.6745, 65.4265))
    found = find_outliers({"a": 1, "b": 2, "c": 3, "d": 4, "e": 100})
    assert [(o.key, round(o.z, 4)) for o in found] == [("e", 65.4265)]


def test_mad_zero_falls_back_to_the_mean_absolute_deviation() -> None:
    # median 10, MAD 0 (five of seven equal); mean |x − 10| = (2 + 40)/7 = 6;
    # z(50) = 40/(1.253314 · 6) = 5.3192, z(12) = 2/(1.253314 · 6) = 0.2660.
    z = modified_z_scores([10, 10, 10, 10, 10, 12, 50])
    assert (z.mad, z.scale) == (0.0, "mean_ad")
    assert z.scores[-2:] == pytest.approx((0.2660, 5.3192), abs=1e-4)
    found = find_outliers(dict(zip("abcdefg", [10, 10, 10, 10, 10, 12, 50], strict=True)))
    assert [o.key for o in found] == ["g"]
    assert found[0].scale == "mean_ad"


def test_all_equal_values_have_no_outliers() -> None:
    z = modified_z_scores([5, 5, 5, 5, 5])
    assert (z.scale, z.scores) == ("none", (0.0,) * 5)
    assert find_outliers(dict.fromkeys("abcde", 5.0)) == []


def test_outlier_options() -> None:
    values = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 100.0, "f": -90.0}
    assert {o.key for o in find_outliers(values)} == {"e", "f"}
    assert [o.key for o in find_outliers(values, direction="high")] == ["e"]
    assert [o.key for o in find_outliers(values, direction="low")] == ["f"]
    assert find_outliers({"a": 1, "b": 2, "c": 100}) == []  # fewer than five values: not scored
    # A steady series: a month 20% below is "significant" by z but under the relative minimum.
    steady = {"1": 100.0, "2": 101.0, "3": 99.0, "4": 100.0, "5": 100.5, "6": 80.0}
    assert [o.key for o in find_outliers(steady)] == ["6"]
    assert find_outliers(steady, min_relative_deviation=0.5) == []


def report(district: str, submitted: dt.date | None, due: dt.date = dt.date(2019, 11, 5)) -> DistrictReport:
    return DistrictReport(district, "2019-10", 0.3, 0.9, submitted, due)


def test_completeness_and_timeliness_arithmetic() -> None:
    reports = [
        report("aksu", dt.date(2019, 11, 1)),
        report("ile", dt.date(2019, 11, 5)),  # on the due date is on time
        report("talgar", dt.date(2019, 11, 8)),  # 3 days late
        report("abay", dt.date(2019, 11, 1)),  # not expected from this region: ignored
    ]
    expected = ["aksu", "ile", "talgar", "koksu"]
    state = completeness(reports, expected, "2019-10", as_of=dt.date(2019, 11, 20))
    assert (state.expected, state.received, state.on_time) == (4, 3, 2)
    assert (state.completeness, state.timeliness) == (0.75, 0.5)
    assert state.missing == ("koksu",)
    assert [(x.district, x.days_late) for x in state.late] == [("talgar", 3)]
    assert state.due_on == default_due_on("2019-10") == dt.date(2019, 11, 5)


def test_a_report_not_yet_due_is_pending_not_missing() -> None:
    early = completeness(
        [report("aksu", dt.date(2019, 11, 1))], ["aksu", "koksu"], "2019-10", as_of=dt.date(2019, 11, 4)
    )
    assert (early.missing, early.pending, early.completeness) == ((), ("koksu",), 0.5)
    # A placeholder row can carry a district's extended deadline.
    extended = [report("aksu", dt.date(2019, 11, 1)), report("koksu", None, dt.date(2019, 11, 30))]
    later = completeness(extended, ["aksu", "koksu"], "2019-10", as_of=dt.date(2019, 11, 20))
    assert (later.missing, later.pending) == ((), ("koksu",))
    empty = completeness([], [], "2019-10")
    assert (empty.completeness, empty.timeliness) == (None, None)
