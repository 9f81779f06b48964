"""Vouchers for children's clubs: the domain core, free of any web framework.

One voucher per child, which follows the child from club to club; money is paid only for sessions a
parent confirmed. The modules:

* ``model``: statuses, attendance mark kinds, priority categories and the small entities;
* ``rules``: allowed status transitions, the one-live-voucher-per-child invariant, the absence rule;
* ``payment``: payment arithmetic, in Python for one timesheet and in SQL for whole tables;
* ``allocation``: the allocation queue, a batch ranking of all applications at once;
* ``links``: signed one-time parent confirmation links;
* ``days_off``: public holidays of Kazakhstan (the ``holidays`` package's calendar);
* ``schema``: the tables the flags read (and the synthetic generator writes);
* ``flags``: fraud flags as SQL over whole tables, each row with evidence.

The synthetic voucher world with injected ghost patterns lives in ``birtizim.synth.vouchers``, the
flags' precision and recall against its truth in ``birtizim.eval.vouchers``.

Nothing here imports Django: the web app persists these entities in its models and calls these
functions.
"""
