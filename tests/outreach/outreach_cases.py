"""The case from the regional meeting, built by hand, and a finder for one flag: shared by the tests
of the flags and of their sentences."""

from __future__ import annotations

import datetime as dt

from birtizim.outreach.flags import Flag
from birtizim.outreach.model import (
    CitizenQuestion,
    Dataset,
    DistrictFigures,
    DistrictReport,
    OutreachEvent,
    SurveyResult,
)


def meeting_data() -> Dataset:
    """Talgar reports 100% reach while its survey finds 23% never heard of OSMS and 3 questions came in."""
    return Dataset(
        figures=(DistrictFigures("talgar", 200_000, 182_000, 0.91),),
        events=(
            OutreachEvent("talgar", dt.date(2019, 10, 3), "meeting", "builders", 20_000),
            OutreachEvent("talgar", dt.date(2019, 11, 3), "broadcast", "general public", 28_000),
        ),
        questions=(CitizenQuestion("talgar", dt.date(2019, 11, 10), "call centre 1414", "checking my status", 3),),
        surveys=(SurveyResult("talgar", None, "2019-11", 400, 92, 60),),
        reports=(DistrictReport("talgar", "2019-11", 1.0, 0.92, dt.date(2019, 12, 2), dt.date(2019, 12, 5)),),
    )


def one(flags: list[Flag], code: str, district: str, period: str) -> Flag:
    found = [f for f in flags if (f.code, f.district, f.period) == (code, district, period)]
    assert len(found) == 1, f"expected one {code} flag for {district} {period}, got {found}"
    return found[0]
