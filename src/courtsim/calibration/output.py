"""Writing a calibration's folder: the calibrated scenario, its overlay, the fit report."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

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
    for path, _ in space.values(result.best.x).items():
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
        result: The fit.
        space: Its parameter space.
        spec: The set-up.
        files: Input files.

    Returns:
        The report.
    """
    ok = not result.refused
    lines = [f"# Calibration of {result.scenario.name}", ""]
    if ok:
        lines += ["Every fitted target is matched within its tolerance.", ""]
    else:
        lines += [
            f"**Refused**: the best fit leaves {', '.join(result.refused)} outside the "
            "tolerance; no calibrated scenario was written.",
            "",
        ]
    lines += [
        f"Inputs: scenario `{files.get('scenario') or '(object)'}`, targets "
        f"`{files.get('targets') or '(object)'}`, set-up `{files.get('params') or '(object)'}`.",
        f"Seed {spec.seed}; {spec.reps} replications per candidate (common random numbers); "
        f"{len(result.trace)} candidates; {result.runs} runs in {result.seconds:.0f} s. "
        f"Search: {result.message}.",
        "",
        "## Parameters",
        "",
        "| parameter | keys | mode | bounds | start | fitted |",
        "|---|---|---|---|---|---|",
    ]
    for p, s, v in zip(spec.parameters, result.start, result.best.x, strict=True):
        keys = ", ".join(f"`{k}`" for k in p.keys)
        lines.append(
            f"| {p.name} | {keys} | {p.mode} | [{p.low:g}, {p.high:g}] | {s:.4g} | {v:.4g} |"
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
        "fitted scenario. *within*: the whole CI lies in observed ± tolerance; *borderline*: "
        "only the mean does; *outside*: the mean does not. Held-out targets and input checks "
        "are reported, not fitted.",
        "",
        *rows_markdown(result.rows),
        "",
        "## Loss",
        "",
        "L = Σ over fitted targets of ((simulated mean − observed) / tolerance)², every "
        f"candidate run with the same {spec.reps} replicates; best loss "
        f"{result.best.loss:.4g} (candidate {result.best.number}). See "
        "`courtsim.calibration.fit`.",
        "",
    ]
    return "\n".join(lines)


def write_result(
    out: str | Path,
    result: FitResult,
    space: ParameterSpace,
    spec: CalibrationSpec,
    files: dict[str, str],
    overwrite: bool = False,
) -> Path:
    """Write a calibration's folder atomically.

    With every fitted target matched: ``calibrated.yaml`` (the whole scenario),
    ``overlay.yaml`` (the fitted values over the input file), ``fit_report.md``,
    ``fit.json``, ``trace.csv`` and ``manifest.json``. A refused fit writes the report,
    ``fit.json``, the trace and the manifest, but no scenario.

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
                + ", ".join(
                    f"{n} = {v:.6g}" for n, v in zip(space.names, result.best.x, strict=True)
                )
                + "\n# Fit report: fit_report.md beside this file.\n"
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
        fit = {
            "status": "ok" if ok else "refused",
            "refused": result.refused,
            "parameters": [
                {
                    "name": p.name,
                    "keys": list(p.keys),
                    "mode": p.mode,
                    "low": p.low,
                    "high": p.high,
                    "start": float(s),
                    "fitted": float(v),
                }
                for p, s, v in zip(spec.parameters, result.start, result.best.x, strict=True)
            ],
            "loss": result.best.loss,
            "best_candidate": result.best.number,
            "targets": rows_json(result.rows),
            "held_out_not_measured": result.elsewhere,
            "message": result.message,
        }
        (tmp / "fit.json").write_text(json.dumps(fit, indent=2), encoding="utf-8")
        with (tmp / "trace.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["candidate", "stage", *space.names, "loss"])
            for c in result.trace:
                w.writerow([c.number, c.stage, *(f"{v:.10g}" for v in c.x), f"{c.loss:.10g}"])
        written = sorted(p.name for p in tmp.iterdir())
        manifest = {
            "kind": "calibration",
            "status": "ok" if ok else "refused",
            "inputs": {k: v for k, v in files.items() if v},
            "input_sha256": {k: sha256_file(Path(v)) for k, v in files.items() if v},
            "scenario_hash": result.scenario.content_hash(),
            "seed": spec.seed,
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
