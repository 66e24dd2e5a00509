"""The scenario schema: what a scenario file may say, in layers that build on each other.

- :mod:`~courtsim.schema.distributions` — distribution specs, sampled from given uniforms;
- :mod:`~courtsim.schema.court` — the common base ``Section`` and the court itself:
  calendar, courts, judges, filings, case types, procedure, initial caseload, costs;
- :mod:`~courtsim.schema.hearings` — the hearing process: sessions, adjournments, the
  appeal instance, refiling, enforcement;
- :mod:`~courtsim.schema.bargaining` — the litigants' beliefs and costs of going on;
- :mod:`~courtsim.schema.pilots` — conciliation judges, mediators, trust and the
  policies that open the channels;
- :mod:`~courtsim.schema.scenario` — the top level ``Scenario``, loading with
  ``extends:`` and dotted ``--set`` overrides;
- :mod:`~courtsim.schema.docs` — renders ``docs/scenarios.md`` from all of the above
  (``python -m courtsim.schema.docs [--check]``).

Import from the module that defines a name; ``courtsim.Scenario`` and
``courtsim.load_scenario`` are the public entry points.
"""
