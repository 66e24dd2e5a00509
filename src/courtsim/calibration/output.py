"""Writing a calibration's folder: the posterior, the calibrated scenario, the fit report."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from courtsim.calibration.fit import CANDIDATES
from courtsim.calibration.report import honesty_lines, rows_json, rows_markdown
from courtsim.experiment.provenance import now_utc, sha256_file, versions
from courtsim.result import scenario_to_yaml, write_atomically

if TYPE_CHECKING:
    from courtsim.calibration.fit import FitResult
    from courtsim.calibration.spec import CalibrationSpec, ParameterSpace


def _nested(overrides: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        node = out
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        if isinstance(value, dict):
            value = {"_replace": True, **value}  # replaced whole, as --set / overrides do
        node[parts[-1]] = value
    return out


def overlay(
    result: FitResult, space: ParameterSpace, spec: CalibrationSpec, scenario_file: str, out: Path
) -> dict[str, Any]:
    """Return the calibrated scenario as an ``extends:`` overlay of the input scenario file.

    Args:
        result: The fit.
        space: Its parameter space.
        spec: The set-up (its ``scenario_overrides`` are included).
        scenario_file: The input scenario file ("" if none).
        out: The folder the overlay is written to (for the relative ``extends``).

    Returns:
        YAML-ready data.
    """
    flat: dict[str, Any] = dict(spec.scenario_overrides)
    data = result.scenario.as_dict()
    touches_policies = False
    for path, _ in space.values(result.posterior.median).items():
        if path[0] == "policies":
            touches_policies = True
            continue
        node: Any = data
        for p in path:
            node = node[p]
        flat[".".join(map(str, path))] = node
    doc: dict[str, Any] = {}
    if scenario_file:
        doc["extends"] = os.path.relpath(Path(scenario_file).resolve(), out.resolve())
    doc["name"] = result.scenario.name
    doc.update(_nested(flat))
    if touches_policies:
        doc["policies"] = _plain(data["policies"])
    return doc


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def report_markdown(
    result: FitResult, space: ParameterSpace, spec: CalibrationSpec, files: dict[str, str]
) -> str:
    """Return the fit report as Markdown.

    Args:
        result: The calibration.
        space: Its parameter space.
        spec: The set-up.
        files: Input files.

    Returns:
        The report.
    """
    ok = not result.refused
    post = result.posterior
    lines = [f"# Calibration of {result.scenario.name}", ""]
    if ok:
        lines += [
            "Every fitted target is matched within its tolerance at the posterior median.",
            "",
        ]
    else:
        lines += [
            f"**Refused**: at the posterior median, {', '.join(result.refused)} lie outside "
            "the tolerance; no calibrated scenario was written.",
            "",
        ]
    shares = ", ".join(f"{s:.1%}" for s in result.nroy_shares)
    lines += [
        f"Inputs: scenario `{files.get('scenario') or '(object)'}`, targets "
        f"`{files.get('targets') or '(object)'}`, set-up `{files.get('params') or '(object)'}`.",
        f"Method: history matching with Gaussian-process emulators, then the emulated "
        f"likelihood on the space not ruled out (`courtsim.calibration.fit`). Seed {spec.seed}; "
        f"{len(result.design)} design points in {len(result.nroy_shares)} waves of "
        f"{spec.points}, {spec.reps} replicates each (common random numbers), "
        f"{spec.final_reps} for the calibrated scenario; {result.runs} runs made"
        + (f" and {result.reused} read from the checkpoint" if result.reused else "")
        + f" in {result.seconds:.0f} s. {result.message}.",
        f"Share of the prior not ruled out after each wave (cut-off {spec.cutoff:g}): "
        f"{shares}. Posterior: {len(post.draws)} draws from {CANDIDATES:,} weighted "
        f"candidates (effective sample size {post.ess:.0f}).",
        "",
        "## Parameters",
        "",
        "| parameter | keys | mode | prior | posterior mean | median | 90% credible interval |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, p in enumerate(spec.parameters):
        keys = ", ".join(f"`{k}`" for k in p.keys)
        prior = f"{'log-' if p.log else ''}uniform [{p.low:g}, {p.high:g}]"
        lo, hi = post.interval(i)
        lines.append(
            f"| {p.name} | {keys} | {p.mode} | {prior} | {post.mean[i]:.4g} | "
            f"{post.median[i]:.4g} | [{lo:.4g}, {hi:.4g}] |"
        )
    lines += [
        "",
        "## Fitted and held out",
        "",
        *honesty_lines(result.rows, result.elsewhere),
        "",
        "## Targets",
        "",
        f"Simulated: mean and t-based 95% CI over {spec.final_reps} replications of the "
        "calibrated scenario (the posterior medians). *within*: the whole CI lies in observed "
        "± tolerance; *borderline*: only the mean does; *outside*: the mean does not. "
        "Held-out targets and input checks are reported, not fitted.",
        "",
        *rows_markdown(result.rows),
        "",
        "## Emulators",
        "",
        "Per fitted target, the last wave's Gaussian process: its nugget (the noise left in a "
        "mean over the replicates), the replicate standard deviation of a mean, and its length "
        "scales as shares of each prior range (a long scale: the target hardly moves with "
        "that parameter).",
        "",
        "| target | nugget sd | replicate sd of a mean | length scales |",
        "|---|---|---|---|",
    ]
    for e in result.emulators:
        ls = ", ".join(f"{k} {v:.2g}" for k, v in e["length_scales"].items())  # type: ignore[union-attr]
        lines.append(
            f"| {e['target']} | {e['nugget_sd']:.3g} | {e['replicate_sd_of_mean']:.3g} | {ls} |"
        )
    lines.append("")
    return "\n".join(lines)


def design_frame(result: FitResult, space: ParameterSpace, fit_ids: list[str]) -> pd.DataFrame:
    """Return every simulated point: wave, parameter values, target means, implausibility.

    Args:
        result: The calibration.
        space: Its parameter space.
        fit_ids: Ids of the fitted targets (column names of the means).

    Returns:
        One row per design point.
    """
    rows = []
    for k, d in enumerate(result.design):
        row: dict[str, Any] = {"point": k, "wave": d.wave}
        row |= dict(zip(space.names, map(float, d.x), strict=True))
        row |= {f"mean:{t}": float(m) for t, m in zip(fit_ids, d.means, strict=True)}
        row |= {f"sd:{t}": float(np.sqrt(v)) for t, v in zip(fit_ids, d.variances, strict=True)}
        row["implausibility"] = d.implausibility
        rows.append(row)
    return pd.DataFrame(rows)


def write_result(
    out: str | Path,
    result: FitResult,
    space: ParameterSpace,
    spec: CalibrationSpec,
    files: dict[str, str],
    overwrite: bool = False,
) -> Path:
    """Write a calibration's folder atomically.

    With every fitted target matched: ``calibrated.yaml`` (the whole scenario at the
    posterior medians), ``overlay.yaml`` (those values over the input file),
    ``posterior.parquet`` (the posterior draws, one column per parameter),
    ``design.parquet`` (every simulated point), ``fit_report.md``, ``fit.json`` and
    ``manifest.json``. A refused calibration writes all but the two scenarios.

    Args:
        out: Folder to create.
        result: The fit.
        space: Its parameter space.
        spec: The set-up.
        files: Input files.
        overwrite: Replace an existing folder.

    Returns:
        The folder.

    Raises:
        ResultsError: The folder exists (without ``overwrite``) or cannot be written.
    """
    out = Path(out)
    ok = not result.refused

    def write(tmp: Path) -> None:
        if ok:
            head = (
                f"# Calibrated by `courtsim calibrate` ({now_utc()}): "
                + "posterior medians "
                + ", ".join(
                    f"{n} = {v:.6g}"
                    for n, v in zip(space.names, result.posterior.median, strict=True)
                )
                + "\n# Fit report: fit_report.md beside this file; posterior draws: "
                "posterior.parquet.\n"
            )
            (tmp / "calibrated.yaml").write_text(
                head + scenario_to_yaml(result.scenario), encoding="utf-8"
            )
            doc = overlay(result, space, spec, files.get("scenario", ""), out)
            (tmp / "overlay.yaml").write_text(
                "# The fitted values as an overlay of the input scenario file.\n"
                + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                encoding="utf-8",
            )
        (tmp / "fit_report.md").write_text(
            report_markdown(result, space, spec, files), encoding="utf-8"
        )
        post = result.posterior
        fit = {
            "status": "ok" if ok else "refused",
            "method": "history matching (Gaussian-process emulators) + emulated likelihood",
            "refused": result.refused,
            "parameters": [
                {
                    "name": p.name,
                    "keys": list(p.keys),
                    "mode": p.mode,
                    "prior": "log-uniform" if p.log else "uniform",
                    "low": p.low,
                    "high": p.high,
                    "mean": float(post.mean[i]),
                    "median": float(post.median[i]),
                    "ci90": list(post.interval(i)),
                }
                for i, p in enumerate(spec.parameters)
            ],
            "waves": len(result.nroy_shares),
            "points_per_wave": spec.points,
            "nroy_share_after_each_wave": result.nroy_shares,
            "posterior_draws": len(post.draws),
            "effective_sample_size": post.ess,
            "emulators": result.emulators,
            "targets": rows_json(result.rows),
            "held_out_not_measured": result.elsewhere,
            "message": result.message,
        }
        (tmp / "fit.json").write_text(json.dumps(fit, indent=2), encoding="utf-8")
        post.frame().to_parquet(tmp / "posterior.parquet", index=False)
        fit_ids = [r.id for r in result.rows if r.role == "fit"]
        design_frame(result, space, fit_ids).to_parquet(tmp / "design.parquet", index=False)
        written = sorted(p.name for p in tmp.iterdir())
        manifest = {
            "kind": "calibration",
            "status": "ok" if ok else "refused",
            "inputs": {k: v for k, v in files.items() if v},
            "input_sha256": {k: sha256_file(Path(v)) for k, v in files.items() if v},
            "scenario_hash": result.scenario.content_hash(),
            "method": "history_matching",
            "seed": spec.seed,
            "waves": spec.waves,
            "points": spec.points,
            "reps": spec.reps,
            "final_reps": spec.final_reps,
            "runs": result.runs,
            "seconds": round(result.seconds, 2),
            "finished_utc": now_utc(),
            "versions": versions(),
            "files": {n: sha256_file(tmp / n) for n in written},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    write_atomically(out, write, overwrite)
    return out
