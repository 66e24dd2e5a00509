"""The validation report (``docs/validation.md``): queueing checks, calibration, back-cast, face validity.

``courtsim validate-model --out DIR`` runs everything and writes ``DIR/validation.md``
and its figures ``DIR/img/validation_*.png``. The fixed text (file formats, limitations)
is in :mod:`courtsim.calibration.validation_text`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from courtsim.calibration import validation_text as text
from courtsim.calibration.backcast import policy_dates, yearly_series
from courtsim.calibration.calibrate import split_roles
from courtsim.calibration.evaluate import TargetRunner, target_stats, write_line
from courtsim.calibration.figures import backcast_figure, targets_figure
from courtsim.calibration.queueing import checks_markdown, default_points, run_checks
from courtsim.calibration.report import (
    OUTSIDE,
    ROLE_LABELS,
    FitRow,
    fit_rows,
    honesty_lines,
    rows_markdown,
)
from courtsim.calibration.spec import load_spec
from courtsim.calibration.targets import Target, load_targets
from courtsim.calibration.validation_regions import (
    RegionsSection,
    compute_regions,
    regions_markdown,
)
from courtsim.calibration.validation_robustness import FORMAT as ROBUSTNESS_FORMAT
from courtsim.calibration.validation_robustness import (
    RobustnessSection,
    compute_robustness,
    robustness_figure,
    robustness_markdown,
)
from courtsim.errors import CourtsimError, ResultsError
from courtsim.experiment.executor import make_executor
from courtsim.experiment.provenance import now_utc, versions
from courtsim.schema.scenario import Scenario, load_scenario

#: Input files, relative to the repository root.
TARGETS_FILE = Path("data/kz_targets.yaml")
PARAMS_FILE = Path("experiments/calibration_params.yaml")
CALIBRATED_FILE = Path("scenarios/kz_calibrated.yaml")
HISTORY_FILE = Path("scenarios/kz_history.yaml")
#: Output files, relative to ``--out``.
REPORT_FILES = (
    Path("validation.md"),
    Path("img/validation_backcast.png"),
    Path("img/validation_targets.png"),
    Path("img/validation_robustness.png"),
)

#: Face validity: settlement rates of attempts against the ranges the brief reports.
FACE_VALIDITY: tuple[tuple[str, float, float, str], ...] = (
    ("success_rate_mediation", 0.43, 0.71, "mediated cases settled 43-71% in court-annexed programmes: California 58% and 71%, Ohio 44%, California 1st Appellate 43.2%, Wissler 'almost half' (domain.md §4.5 [F])"),
    ("success_rate_conciliation", 0.50, 0.80, "conciliation before a judge 0.5-0.8, the Saryarka pilot's 76% an upper bound (domain.md §6, §1.5 [F])"),
    ("success_rate_pre_court", 0.30, 0.80, "reconciliation centres: 57 of 176 requests (WKO 2023) to 107 of 134 (EKO 2019) (domain.md §2.2 [F], §6)"),
    ("success_rate_participatory", 0.30, 0.70, "no data: the brief's assumed range (domain.md §6)"),
    # The hearing process (issue: hearings in judges' calendars); none of these is fitted.
    ("sessions_per_judge_month", 40.0, 80.0, "~60 hearings a month per judge, ~150 in Almaty and Astana (about 2012, domain.md §2.4 [F]); ~3 sessions a judge a working day in 2020 (§7 [I])"),
    ("pending_per_judge", 60.0, 150.0, "~100 civil cases and materials pending per judge in 2018 (domain.md §2.4 [F], §6 range 60-150); counts materials and non-civil work, so the model, which counts civil claims, is expected to fall short"),
    ("share_in_absentia", 0.15, 0.32, "23.9% of civil cases decided in absentia in H1 2014, 31.2% before (domain.md §7 [F])"),
    ("appeal_share_corrected", 0.05, 0.15, "~2,000 of ~21,000 appeals corrected, H1 2024 (domain.md §2.4 [F], §6 range 0.05-0.15)"),
)  # fmt: skip


@dataclass(frozen=True)
class ValidationSettings:
    """How much to run.

    Attributes:
        seed: Master seed of every part.
        quick: A smoke test: short queues, few replications, a two-year back-cast.
        calibrated_reps: Replications of the calibrated scenario.
        history_reps: Replications of the back-cast.
        history_end: Last date of the back-cast (None = the scenario's own).
    """

    seed: int = 20240601
    quick: bool = False
    calibrated_reps: int = 16
    history_reps: int = 8
    history_end: dt.date | None = None

    @classmethod
    def quick_settings(cls) -> ValidationSettings:
        """Return the smoke-test settings."""
        return cls(quick=True, calibrated_reps=2, history_reps=2, history_end=dt.date(2014, 12, 31))

    def with_seed(self, seed: int) -> ValidationSettings:
        """Return the settings with another master seed.

        Args:
            seed: Master seed.

        Returns:
            The settings.
        """
        return dataclasses.replace(self, seed=seed)


def find_root(start: Path | None = None) -> Path:
    """Return the repository root: the current folder or the one holding this package.

    Args:
        start: Folder to try first (default: the current folder).

    Returns:
        A folder with ``scenarios/kz_history.yaml`` and ``data/kz_targets.yaml``.

    Raises:
        CourtsimError: Neither has the files.
    """
    here = Path(__file__).resolve().parents[3]
    for cand in (start or Path.cwd(), here):
        if (cand / HISTORY_FILE).is_file() and (cand / TARGETS_FILE).is_file():
            return cand
    raise CourtsimError(
        f"cannot find {HISTORY_FILE} and {TARGETS_FILE}: run `courtsim validate-model` from "
        "the repository root",
        source="validate-model",
    )


def _check_outputs(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise ResultsError("exists and is a file, not a folder", source=str(out), field="--out")
    existing = [str(out / f) for f in REPORT_FILES if (out / f).exists()]
    if existing and not overwrite:
        raise ResultsError(
            f"{', '.join(existing)} already exist; nothing was written. Choose another --out, "
            "or pass --overwrite to replace them (only the report's own files are replaced)",
            source=str(out),
            field="--out",
        )
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ResultsError(
            f"cannot write here: '{probe}' is not writable", source=str(out), field="--out"
        )


def _history(root: Path, settings: ValidationSettings) -> Scenario:
    sc = load_scenario(root / HISTORY_FILE)
    if settings.history_end is not None:
        days = (settings.history_end - sc.start_date).days + 1
        sc = sc.with_overrides({"horizon_days": min(days, sc.horizon_days)}, source="--quick")
    return sc


def _inside(t: Target, sc: Scenario) -> bool:
    if t.period is None:
        return False
    first = sc.start_date + dt.timedelta(days=sc.reporting.warmup_days)
    last = sc.start_date + dt.timedelta(days=sc.horizon_days - 1)
    return first <= t.period.first and t.period.last <= last


def _face_targets() -> list[Target]:
    return [
        Target(id=k, kpi=k, observed=(lo + hi) / 2, tolerance=(hi - lo) / 2, source=src)
        for k, lo, hi, src in FACE_VALIDITY
    ]


@dataclass
class Sections:
    """What the report shows, computed."""

    queue: list[Any]
    fit_rows: list[FitRow]
    face_rows: list[FitRow]
    years: list[Any]
    history_rows: list[FitRow]
    dates: list[tuple[dt.date, str]]
    history: Scenario
    calibrated: Scenario
    regions: RegionsSection | None = None
    robustness: RobustnessSection | None = None


def compute(
    root: Path,
    settings: ValidationSettings,
    workers: int | None,
    scheduler: Any,
    progress: TextIO | None,
) -> Sections:
    """Run every part of the report.

    Args:
        root: Repository root.
        settings: How much to run.
        workers: Local processes.
        scheduler: Dask scheduler.
        progress: Where progress lines go.

    Returns:
        The computed sections.
    """
    tf = load_targets(root / TARGETS_FILE)
    spec = load_spec(root / PARAMS_FILE)
    calibrated = load_scenario(root / CALIBRATED_FILE)
    fit, checks, _ = split_roles(tf, spec, calibrated, str(PARAMS_FILE))
    fit_ids = {t.id for t in fit}
    queue = run_checks(default_points(settings.quick), root, settings.seed, progress)
    history = _history(root, settings)
    face = _face_targets()
    with make_executor(workers, scheduler) as ex:
        write_line(
            progress,
            f"validate-model: calibrated scenario, {settings.calibrated_reps} replications",
        )
        runner = TargetRunner([*fit, *checks, *face], spec.scale, settings.seed, ex)
        vals = runner.run([calibrated], settings.calibrated_reps)[0]
        stats = target_stats(vals)
        roles = ["fit"] * len(fit) + [ROLE_LABELS[t.role] for t in checks]
        roles += ["face validity"] * len(face)
        rows = fit_rows([*fit, *checks, *face], stats, roles)
        write_line(progress, f"validate-model: back-cast, {settings.history_reps} replications")
        inside = [t for t in tf.targets if _inside(t, history)]
        years, hv = yearly_series(
            history, "share_settled", settings.history_reps, settings.seed, ex, inside, spec.scale
        )
        h_roles = [_history_role(t, fit_ids) for t in inside]
        history_rows = fit_rows(inside, target_stats(hv), h_roles) if inside else []
    n_fit = len(fit) + len(checks)
    write_line(progress, "validate-model: the 20 regions (kz_regions_2024), one run")
    regions = compute_regions(root, settings.seed, settings.quick)
    write_line(progress, "validate-model: robustness of the pilots (experiments/robustness.yaml)")
    robust = compute_robustness(root, settings.quick, workers, scheduler)
    return Sections(
        queue,
        rows[:n_fit],
        rows[n_fit:],
        years,
        history_rows,
        policy_dates(history),
        history,
        calibrated,
        regions,
        robust,
    )


def _history_role(t: Target, fit_ids: set[str]) -> str:
    """Label a back-cast target by what it was used for (its role in the targets file)."""
    if t.id in fit_ids:
        return "in-sample (calibration)"
    if t.role == "fit":  # not fitted by the calibration, but used to set values by hand
        return "in-sample (set by hand)"
    return "out-of-sample (held out)" if t.role == "held_out" else ROLE_LABELS[t.role]


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        mask = os.umask(0)
        os.umask(mask)
        Path(tmp).chmod(0o666 & ~mask)  # mkstemp makes 0600 files; a report is for reading
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_report(
    out: Path,
    settings: ValidationSettings,
    overwrite: bool = False,
    workers: int | None = None,
    scheduler: Any = None,
    progress: TextIO | None = None,
    root: Path | None = None,
) -> list[Path]:
    """Run the validation and write ``validation.md`` and its figures into ``out``.

    Args:
        out: Folder (created if needed); only :data:`REPORT_FILES` are written there.
        settings: How much to run.
        overwrite: Replace existing report files.
        workers: Local processes (1 = serial).
        scheduler: Dask scheduler.
        progress: Where progress lines go.
        root: Repository root (default: found from the current folder).

    Returns:
        The files written.

    Raises:
        ResultsError: Report files exist (without ``overwrite``) or ``out`` is not writable.
        CourtsimError: The input files cannot be found or read.
    """
    root = root or find_root()
    _check_outputs(out, overwrite)
    sec = compute(root, settings, workers, scheduler, progress)
    md = render(sec, settings)
    written = [out / f for f in REPORT_FILES]
    hist_targets = [
        t
        for t in load_targets(root / TARGETS_FILE).targets
        if _inside(t, sec.history) and t.kpi == "share_settled"
    ]
    _replace(written[1], lambda p: backcast_figure(sec.years, hist_targets, sec.dates, p))
    _replace(written[2], lambda p: targets_figure([*sec.fit_rows, *sec.history_rows], p))
    if sec.robustness is not None:
        robust = sec.robustness
        _replace(written[3], lambda p: robustness_figure(robust, p))
    _replace(written[0], lambda p: p.write_text(md, encoding="utf-8"))
    return written


def render(sec: Sections, settings: ValidationSettings) -> str:
    """Render the report.

    Args:
        sec: Computed sections.
        settings: The settings used.

    Returns:
        Markdown.
    """
    v = versions()
    q_ok = sum(c.ok for c in sec.queue)
    lines = [
        *text.HEADER,
        f"Generated {now_utc()} by `courtsim validate-model{' --quick' if settings.quick else ''}` "
        f"(seed {settings.seed}; courtsim {v.get('courtsim')}, numpy {v.get('numpy')}, "
        f"mesa {v.get('mesa')}).",
        "",
    ]
    if settings.quick:
        lines += [
            "> **Quick run**: few replications and a shortened back-cast; not for publication.",
            "",
        ]
    lines += [
        "## 1. Analytic queueing checks",
        "",
        *text.QUEUEING,
        "",
        *checks_markdown(sec.queue),
        "",
        f"{q_ok} of {len(sec.queue)} comparisons pass.",
        "",
        "## 2. Calibration fit (`scenarios/kz_calibrated.yaml`)",
        "",
        *text.CALIBRATION,
        "",
        *rows_markdown(sec.fit_rows),
        "",
        *honesty_lines(sec.fit_rows),
        "",
        *text.HONESTY,
        "",
        *text.METHOD,
        "",
        *text.BUDGET,
        "",
        "![Targets: standardised gaps](img/validation_targets.png)",
        "",
        "## 3. Back-cast 2013-2025 (`scenarios/kz_history.yaml`)",
        "",
        *text.BACKCAST,
        "",
        "![Back-cast](img/validation_backcast.png)",
        "",
        "| year | simulated share settled, mean [95% CI] | reported |",
        "|---|---|---|",
    ]
    reported = {r.period: r for r in sec.history_rows if r.kpi == "share_settled"}
    for y in sec.years:
        rep = [
            f"{r.observed:.3f} ({r.period})"
            for p, r in reported.items()
            if p.startswith(str(y.year))
        ]
        lines.append(
            f"| {y.year} | {y.mean:.3f} [{y.ci_low:.3f}, {y.ci_high:.3f}] | {', '.join(rep) or '—'} |"
        )
    lines += [
        "",
        *rise_lines(sec),
        "",
        "Every dated target inside the back-cast:",
        "",
        *rows_markdown(sec.history_rows),
        "",
    ]
    lines += [
        "## 4. Face validity",
        "",
        *text.FACE,
        "",
        *rows_markdown(sec.face_rows),
        "",
        "Sources of the ranges:",
        "",
        *[f"- `{k}`: {src}" for k, _, _, src in FACE_VALIDITY],
        "",
        *(regions_markdown(sec.regions, text.REGIONS) if sec.regions else []),
        "",
        "## 6. Known limitations",
        "",
        *text.LIMITATIONS,
        "",
        *(robustness_markdown(sec.robustness) if sec.robustness else []),
        "",
        *text.PROJECTION,
        "",
        *text.FORMATS,
        "",
        *ROBUSTNESS_FORMAT,
        "",
        *text.PROJECTION_FORMAT,
    ]
    return "\n".join(lines) + "\n"


def rise_lines(sec: Sections) -> list[str]:
    """Describe the share in the year before and after each reform date.

    Args:
        sec: Computed sections.

    Returns:
        Markdown lines.
    """
    by_year = {y.year: y for y in sec.years}
    out = ["Reconciliation share around each reform (simulated means):", ""]
    for d, what in sec.dates:
        before, after = by_year.get(d.year - 1), by_year.get(d.year + 1)
        if before and after:
            out.append(
                f"- {d:%d %b %Y} ({what}): {before.mean:.3f} in {d.year - 1} → {after.mean:.3f} "
                f"in {d.year + 1}"
            )
    return out


def outside(rows: list[FitRow]) -> list[str]:
    """Return the ids of rows whose mean lies outside the tolerance band.

    Args:
        rows: Report rows.

    Returns:
        Ids.
    """
    return [r.id for r in rows if r.status == OUTSIDE]
