"""The synthetic voucher world: providers, groups, enrolments, sessions and marks drawn from a region's
children, with injected ghost patterns and the truth of each (``birtizim vouchers synth``).

* ``world``: the column arrays the world is built in;
* ``generate``: the honest world and the files (``synthesize``), or the tables in memory (``build``);
* ``ghosts``: the ghost patterns and their truth.

The voucher core (``birtizim.vouchers``) never imports this package; ``birtizim.eval.vouchers``
scores the core's flags against the truth written here.
"""

from birtizim.synth.vouchers.generate import Summary, build, load_list, synthesize, tables, truth_table

__all__ = ["Summary", "build", "load_list", "synthesize", "tables", "truth_table"]
