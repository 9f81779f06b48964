"""The synthetic construction portfolio: the four schools named at risk in a regional meeting and 26
Shymkent apartment buildings, with simulated site histories (``birtizim projects demo`` prints
their forecasts; ``manage.py birtizim_projects_demo`` loads them into the web).

The projects core (``birtizim.projects``) never imports this package.
"""

from birtizim.synth.projects.portfolio import (
    DEMO_SEED,
    DEMO_YEAR,
    DemoObject,
    DemoPortfolio,
    demo_forecasts,
    demo_portfolio,
)

__all__ = ["DEMO_SEED", "DEMO_YEAR", "DemoObject", "DemoPortfolio", "demo_forecasts", "demo_portfolio"]
