"""Briefing dashboard (Plotly Dash) and static HTML reports, sharing one set of figures.

Modules: ``figures`` (pure functions, tables in, ``plotly`` figures out), ``tables``
(summaries of replications, paired comparisons), ``folders`` (reading results folders),
``report`` (self-contained HTML), ``live`` (capped, cached live runs), ``levers``
(controls generated from the scenario schema), ``safety`` (path and upload checks),
``app``/``layout``/``callbacks`` (the Dash app) and ``cli``. Importing this package does
not import Dash; only ``app``, ``layout`` and ``callbacks`` need it.
"""
