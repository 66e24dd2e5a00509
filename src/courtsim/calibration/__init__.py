"""Calibration to Kazakhstan's court statistics, the historical back-cast, the validation report.

- :mod:`~courtsim.calibration.targets`: reported figures and how KPIs are matched to them;
- :mod:`~courtsim.calibration.measures`: KPIs over a dated period, derived measures;
- :mod:`~courtsim.calibration.spec`: which scenario values are unknown, and their priors;
- :mod:`~courtsim.calibration.evaluate`: replications of candidates on courtsim's executors;
- :mod:`~courtsim.calibration.history`: emulators, implausibility, the emulated posterior;
- :mod:`~courtsim.calibration.fit`: history matching in waves of CRN runs, checkpointed;
- :mod:`~courtsim.calibration.calibrate`: ``calibrate()``; :mod:`~.output`: its folder;
- :mod:`~courtsim.calibration.report`: fit rows (observed, simulated mean and CI, status);
- :mod:`~courtsim.calibration.backcast`, :mod:`~.queueing`, :mod:`~.figures`,
  :mod:`~.validation`: the validation report (``docs/validation.md``);
- :mod:`~courtsim.calibration.robustness` (``courtsim.robustness``): each pilot against the
  baseline across plausible worlds; :mod:`~.robustness_spec`, :mod:`~.robustness_table`;
- :mod:`~courtsim.calibration.projection` (``courtsim.project``; its file: :mod:`~.projection_spec`): KPIs by year under policy
  options, posterior predictive fans;
- :mod:`~courtsim.calibration.cli`: ``courtsim calibrate`` and ``courtsim validate-model``;
  :mod:`~.cli_robustness`, :mod:`~.cli_projection`: ``courtsim robustness``, ``courtsim project``.
"""
