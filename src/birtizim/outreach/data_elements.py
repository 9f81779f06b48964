"""The named values rules and outlier checks speak about, one set per district and period.

These are DHIS2's "data elements": ``reach``, ``residents``, ``survey_unaware_share`` and so on
(``VALUE_NAMES`` lists them all with their meaning). Every name is present for every district and
period; a value is None when there is nothing to compute it from, which is different from zero:

- counts from logs (events, reach, questions) are 0 when a district logged nothing in a period,
  because a log is a complete record of what happened: no entry means nothing happened;
- survey values come from the district's latest survey at or before the period (a survey is a
  snapshot that stays the best knowledge until the next one) and are None before any survey;
- self-reported values are None when the district has not reported for that period;
- the single list's figures have no period: the latest run's figures apply to every period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from birtizim.outreach.model import Dataset
from birtizim.outreach.survey import district_cells, proportion

Values = dict[str, float | None]

VALUE_NAMES: dict[str, str] = {
    "residents": "residents of the district in the single list",
    "determined": "residents whose OSMS status is determined in the single list",
    "list_actualisation": "share of residents with a determined status in the single list",
    "events": "outreach events logged in the period",
    "reach": "people reached by outreach events in the period, as logged",
    "reach_to_date": "people reached by outreach events in all periods up to this one, as logged",
    "questions": "citizens' questions and complaints received in the period",
    "complaints": "complaints (a part of questions) received in the period",
    "questions_to_date": "citizens' questions and complaints in all periods up to this one",
    "survey_sample": "people asked in the latest survey",
    "survey_unaware_share": "share of the latest survey's sample who had never heard of OSMS",
    "survey_unaware_low": "lower bound of its 95% confidence interval (Wilson)",
    "survey_unaware_high": "upper bound of its 95% confidence interval (Wilson)",
    "survey_poor_share": "share of the latest survey's sample rating the work poor",
    "survey_poor_low": "lower bound of its 95% confidence interval (Wilson)",
    "survey_poor_high": "upper bound of its 95% confidence interval (Wilson)",
    "reported_reach_share": "share of residents reached so far, as the district reports",
    "reported_actualisation": "actualisation as the district reports it",
}


def build_values(
    data: Dataset, periods: Sequence[str] | None = None, districts: Sequence[str] | None = None
) -> dict[tuple[str, str], Values]:
    """(district, period) -> every named value; defaults: all periods and districts in ``data``."""
    periods = tuple(sorted(periods if periods is not None else data.periods))
    districts = tuple(districts if districts is not None else data.districts)

    # Sums by (district, period) first; "to date" sums then run over every logged period, not only
    # the ones asked for, so a cumulative figure is the same whichever periods are evaluated.
    events: dict[tuple[str, str], int] = defaultdict(int)
    reach: dict[tuple[str, str], int] = defaultdict(int)
    for e in data.events:
        events[e.district, e.period] += 1
        reach[e.district, e.period] += e.reach
    questions: dict[tuple[str, str], int] = defaultdict(int)
    complaints: dict[tuple[str, str], int] = defaultdict(int)
    for q in data.questions:
        questions[q.district, q.period] += q.count
        if q.kind == "complaint":
            complaints[q.district, q.period] += q.count
    figures = {f.district: f for f in data.figures}
    reports = {(r.district, r.period): r for r in data.reports}
    survey_periods: dict[str, list[str]] = defaultdict(list)
    for s in data.surveys:
        if s.period not in survey_periods[s.district]:
            survey_periods[s.district].append(s.period)

    out: dict[tuple[str, str], Values] = {}
    for district in districts:
        fig = figures.get(district)
        for period in periods:
            v: Values = dict.fromkeys(VALUE_NAMES)
            if fig is not None:
                v.update(residents=fig.residents, determined=fig.determined, list_actualisation=fig.actualisation)
            v["events"] = events.get((district, period), 0)
            v["reach"] = reach.get((district, period), 0)
            v["reach_to_date"] = sum(n for (d, p), n in reach.items() if d == district and p <= period)
            v["questions"] = questions.get((district, period), 0)
            v["complaints"] = complaints.get((district, period), 0)
            v["questions_to_date"] = sum(n for (d, p), n in questions.items() if d == district and p <= period)
            earlier = [p for p in survey_periods.get(district, []) if p <= period]
            if earlier:
                cells = district_cells(data.surveys, district, max(earlier))
                n = sum(c.sample_size for c in cells)
                if n > 0:
                    unaware = proportion(sum(c.n_unaware for c in cells), n)
                    poor = proportion(sum(c.n_poor for c in cells), n)
                    v.update(
                        survey_sample=n,
                        survey_unaware_share=unaware.share,
                        survey_unaware_low=unaware.low,
                        survey_unaware_high=unaware.high,
                        survey_poor_share=poor.share,
                        survey_poor_low=poor.low,
                        survey_poor_high=poor.high,
                    )
            report = reports.get((district, period))
            if report is not None and report.submitted_on is not None:
                v["reported_reach_share"] = report.reported_reach_share
                v["reported_actualisation"] = report.reported_actualisation
            out[district, period] = v
    return out
