"""Synthetic outreach data for the Almaty region's districts: six months of logs, questions, a survey
and the districts' own reports, with the regional meeting's planted cases (``logs``).

``birtizim outreach flags`` prints the flags they raise; ``manage.py birtizim_outreach_demo`` loads
them into the web. The outreach core (``birtizim.outreach``) never imports this package.
"""

from birtizim.synth.outreach.logs import AS_OF, PERIODS, REGION, build_demo

__all__ = ["AS_OF", "PERIODS", "REGION", "build_demo"]
