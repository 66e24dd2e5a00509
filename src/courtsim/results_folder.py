"""courtsim's mark on a folder: its ``manifest.json``, read by schema, and the checksums in it.

A results folder is a folder holding a ``manifest.json`` that parses under
:class:`Manifest`. That manifest is the marker that lets ``--overwrite`` replace the
folder (and only then if it holds nothing courtsim did not write), and its ``files``
checksums are verified before any reader (``load_result``, ``courtsim report``, the
dashboard, ``--resume``) uses a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from courtsim.errors import ResultsError, elide
from courtsim.loading import check_regular_file, load_json, sha256_file

KINDS = (
    "run", "replicate", "compare", "sweep", "sensitivity", "calibration", "target", "allocate",
    "robustness", "projection",
)  # fmt: skip
MANIFEST = "manifest.json"
#: Entries courtsim itself keeps in a results folder besides the files the manifest lists.
OWN_ENTRIES = frozenset({MANIFEST, "runs", ".courtsim.lock"})

_Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
# A plain name in the folder: no separators, and not "." or ".." (a leading letter or a
# dot followed by a character other than a dot, or three or more characters).
_FileName = Annotated[
    str, Field(pattern=r"^([^./\\\x00][^/\\\x00]*|\.[^./\\\x00][^/\\\x00]*|\.\.[^/\\\x00]+)$")
]


class Manifest(BaseModel):
    """The fields of ``manifest.json`` that readers rely on; the rest is provenance."""

    model_config = ConfigDict(extra="allow")

    kind: Literal[KINDS] = "run"  # type: ignore[valid-type]
    files: dict[_FileName, _Sha256] = Field(default_factory=dict)
    seed: StrictInt | None = Field(default=None, ge=0)
    replicate: StrictInt | None = Field(default=None, ge=0)
    reps: StrictInt | None = Field(default=None, ge=1)
    replications: StrictInt | None = Field(default=None, ge=1)
    scenario_hash: StrictStr | None = None
    status: StrictStr | None = None


def _schema_message(exc: ValidationError) -> tuple[str, str]:
    fields, parts = [], []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        got = err.get("input")
        got_txt = "" if isinstance(got, dict) else f" (got {elide(repr(got), 60)})"
        fields.append(loc)
        parts.append(f"'{loc}': {err['msg']}{got_txt}")
    return ", ".join(dict.fromkeys(fields)), "; ".join(parts[:5])


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """Read and check a results folder's ``manifest.json``.

    Args:
        folder: The folder.

    Returns:
        The manifest as saved, with ``kind`` filled in (``run`` when absent).

    Raises:
        ResultsError: The folder or its manifest is missing, not a regular file, not JSON,
            or breaks the schema (e.g. ``files: null``, ``seed: "abc"``).
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "is a file, not a results folder" if folder.exists() else "no such results folder"
        raise ResultsError(what, source=str(folder))
    path = folder / MANIFEST
    if not path.exists() and not path.is_symlink():
        raise ResultsError(
            "manifest.json is missing: this is not a complete courtsim results folder",
            source=str(folder),
        )
    check_regular_file(path, ResultsError)
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ResultsError(
            "manifest.json is a link to a file outside the folder; it was not read",
            source=str(folder),
        )
    data = load_json(path, ResultsError)
    if not isinstance(data, dict):
        raise ResultsError("manifest.json does not hold a mapping", source=str(path))
    try:
        checked = Manifest.model_validate(data)
    except ValidationError as exc:
        fields, message = _schema_message(exc)
        raise ResultsError(
            f"manifest.json is not a courtsim manifest: {message}. The folder was changed or "
            "is corrupt; run the command that wrote it again",
            source=str(path),
            field=fields,
        ) from None
    data["kind"] = checked.kind
    data.setdefault("files", {})
    return data


def verified(folder: Path, manifest: dict[str, Any], name: str) -> Path:
    """Return ``folder/name`` once it is a regular file inside the folder matching its checksum.

    Args:
        folder: The results folder.
        manifest: Its manifest (from :func:`read_manifest`).
        name: The file's name in the folder.

    Returns:
        The file's path.

    Raises:
        ResultsError: The file is missing, not listed, not a regular file, a link out of
            the folder, or changed since it was written.
    """
    path = folder / name
    files = manifest.get("files") or {}
    if name not in files:
        raise ResultsError(
            f"{name} has no checksum in manifest.json, so it cannot be trusted; the folder "
            "was changed or is corrupt",
            source=str(folder),
        )
    if not path.exists() and not path.is_symlink():
        raise ResultsError(f"{name} is missing from the results folder", source=str(folder))
    check_regular_file(path, ResultsError)
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ResultsError(
            f"{name} is a link to a file outside the results folder; it was not read",
            source=str(folder),
        )
    if sha256_file(path) != files[name]:
        raise ResultsError(
            f"{name} does not match the checksum in manifest.json: the folder was changed "
            "or is corrupt",
            source=str(path),
        )
    return path


def foreign_entries(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Return the names in ``folder`` that courtsim did not write there.

    Args:
        folder: A results folder.
        manifest: Its manifest.

    Returns:
        Sorted names of entries neither listed in the manifest nor courtsim's own.
    """
    own = OWN_ENTRIES | set(manifest.get("files") or {})
    return sorted(p.name for p in folder.iterdir() if p.name not in own)


def is_results_folder(folder: Path) -> bool:
    """Return whether ``folder`` carries courtsim's marker (a manifest that parses).

    Args:
        folder: Any path.

    Returns:
        True for a folder with a valid ``manifest.json``.
    """
    try:
        read_manifest(folder)
    except ResultsError:
        return False
    return True


def enclosing_results_folder(path: Path) -> Path | None:
    """Return the results folder ``path`` is in (or is), if any.

    Args:
        path: A file or folder path (it may not exist).

    Returns:
        The nearest enclosing folder with courtsim's marker, or None.
    """
    try:
        p = path.resolve()
    except (OSError, RuntimeError):
        return None
    for d in (p, *p.parents):
        if (d / MANIFEST).is_file() and is_results_folder(d):
            return d
    return None


#: The first line of every HTML report courtsim writes: the mark that lets it replace one.
#: The first bytes of every report courtsim writes (in any language): what marks a file
#: as an earlier report that may be replaced.
REPORT_MARKER = "<!DOCTYPE html><!-- courtsim report -->"


def is_report(path: Path) -> bool:
    """Return whether ``path`` is a regular file that begins with :data:`REPORT_MARKER`.

    Args:
        path: Any path.

    Returns:
        True for an earlier courtsim report.
    """
    try:
        check_regular_file(path, ResultsError)
        with path.open("rb") as f:
            return f.read(len(REPORT_MARKER)) == REPORT_MARKER.encode()
    except (ResultsError, OSError):
        return False


def check_report_target(html: Path, overwrite: bool = True) -> None:
    """Refuse a report file that would land in a results folder or replace another file.

    Args:
        html: The HTML file to write.
        overwrite: Whether an earlier report there may be replaced.

    Raises:
        ResultsError: The name does not end in .html, it is a folder, it is inside a
            results folder, it exists and is not an earlier courtsim report, or it is a
            report and ``overwrite`` is off.
    """
    source = str(html)
    if html.is_dir():
        raise ResultsError("is a folder, not a file", source=source, field="--html")
    if html.suffix.lower() not in {".html", ".htm"}:
        raise ResultsError("give a file name ending in .html", source=source, field="--html")
    inside = enclosing_results_folder(html.parent if str(html.parent) else Path())
    if inside is not None:
        raise ResultsError(
            f"is inside the results folder {inside.name}/, which holds only what courtsim "
            "wrote there and is checked against its manifest; write the report elsewhere",
            source=source,
            field="--html",
        )
    if html.exists() or html.is_symlink():
        if not is_report(html):
            raise ResultsError(
                "the file exists and is not an earlier courtsim report, so it is not replaced; "
                "nothing was written. Choose another name",
                source=source,
                field="--html",
            )
        if not overwrite:
            raise ResultsError(
                "the file already exists; nothing was run. Choose another name, or pass "
                "--overwrite to replace it",
                source=source,
                field="--html",
            )
