"""A synthetic Shymkent-like bus network with ground truth for fare inspection (``birtizim fares synth``).

``city`` builds the network and its true evasion propensities, ``month`` draws every trip of a month
and what the plan's checks found, ``offenders`` the people caught and their protocols, ``world``
writes the files and the demo month of 983 protocols.
"""
