"""Fare inspection on city buses: the evasion rate from random checks, not a count of protocols.

Pure Python (+ numpy, scipy, DuckDB); never imports Django. The web pages persist the entities of
``model`` and show what these functions compute. Modules:

- ``model``: routes, stops, time bands, ridership, inspectors, shifts, checks, protocols, payments;
- ``plan``: the seeded, auditable monthly plan (measurement checks with a floor per stratum, raids
  apart) and which shifts a team may see when;
- ``estimate`` / ``intervals``: the stratified cluster ratio estimate weighted by ridership, with
  design-effect-aware 95% intervals;
- ``kpi`` / ``messages``: KPIs, the trend, the headline and every sentence in ru/kk/en;
- ``fines``: 2 MRP of the offence year, deadlines, what became of each fine;
- ``offenders``: protocols linked to people (IIN, repaired IIN, names + birth date), repeat offenders;
- ``importers`` / ``reading``: ridership and payments files with rejects and reasons.
"""

from birtizim.fares.estimate import EvasionEstimate, estimate_month
from birtizim.fares.fines import protocol_fine
from birtizim.fares.kpi import Headline, MonthKPIs, headline, month_kpis, trend
from birtizim.fares.offenders import link_protocols, repeat_offenders
from birtizim.fares.plan import Plan, PlanSettings, StratumInput, draw_plan, visible_checks

__all__ = [
    "EvasionEstimate",
    "Headline",
    "MonthKPIs",
    "Plan",
    "PlanSettings",
    "StratumInput",
    "draw_plan",
    "estimate_month",
    "headline",
    "link_protocols",
    "month_kpis",
    "protocol_fine",
    "repeat_offenders",
    "trend",
    "visible_checks",
]
