"""Calibration to Kazakhstan's court statistics, the historical back-cast, the validation report.

- :mod:`~courtsim.calibration.targets`: reported figures and how KPIs are matched to them;
- :mod:`~courtsim.calibration.spec`: which scenario values are fitted, within which bounds;
- :mod:`~courtsim.calibration.fit`: the CRN loss and its minimisation;
- :mod:`~courtsim.calibration.calibrate`: ``calibrate()`` and its output folder;
- :mod:`~courtsim.calibration.cli`: ``courtsim calibrate`` and ``courtsim validate-model``.
"""
