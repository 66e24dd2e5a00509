"""The one way courtsim reads a file: regular files only, size-capped, strict YAML and JSON.

Every file courtsim reads (scenarios, experiment and calibration files, manifests, KPI
records) comes through here, so the same rules hold everywhere:

- only a regular file is read: a folder, a named pipe (FIFO), a device such as
  ``/dev/zero``, a broken or looping symbolic link, or a name the file system cannot
  hold is reported as what it is, before anything is opened;
- a file larger than its kind's cap is refused before it is read;
- YAML is read with a ``yaml.SafeLoader`` subclass that also refuses duplicate keys,
  impossible dates (``2024-02-30``, hour 25), nesting deeper than :data:`MAX_DEPTH`,
  recursive aliases and alias expansions ("billion laughs") larger than
  :data:`MAX_NODES`;
- JSON refuses duplicate keys and deep nesting the same way.

Each refusal is the caller's :class:`~courtsim.errors.CourtsimError` subclass, naming the
file, so it ends as a one-paragraph message and exit status 2.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from courtsim.errors import CourtsimError, ScenarioError, elide

#: Largest YAML file read (bytes). The largest shipped scenario is about 12 KB.
MAX_YAML_BYTES = 1 << 20
#: Largest JSON file read (bytes): a sweep's manifest lists every run (~300 bytes each).
MAX_JSON_BYTES = 256 << 20
#: Deepest nesting of mappings and lists accepted (shipped files nest at most 6 deep).
MAX_DEPTH = 40
#: Most YAML nodes after expanding aliases (a scenario has a few hundred).
MAX_NODES = 100_000

ErrorType = type[CourtsimError]


def _describe_oserror(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symbolic link loop (a link that points, in the end, back to itself)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot be read ({exc.strerror or exc})"


def resolve(path: str | Path, error: ErrorType = ScenarioError, field: str | None = None) -> Path:
    """Return the absolute real path, refusing symbolic link loops and too-long names.

    Args:
        path: The path.
        error: The error class raised.
        field: The option or key the path came from, for the message.

    Returns:
        The resolved path (it may not exist).

    Raises:
        CourtsimError: (``error``) The path loops or cannot be resolved.
    """
    try:
        return Path(path).resolve()
    except RuntimeError:  # Python 3.11 reports a symlink loop this way
        loop = _describe_oserror(OSError(errno.ELOOP, ""))
        raise error(loop, source=str(path), field=field) from None
    except OSError as exc:
        raise error(_describe_oserror(exc), source=str(path), field=field) from None


def check_regular_file(
    path: str | Path, error: ErrorType = ScenarioError, field: str | None = None
) -> os.stat_result:
    """Check that ``path`` names a regular file (after symbolic links), without opening it.

    Args:
        path: The file.
        error: The error class raised.
        field: The option or key the path came from, for the message.

    Returns:
        Its ``stat`` result.

    Raises:
        CourtsimError: (``error``) It is missing, a folder, a FIFO, a device, a socket,
            a broken or looping link, or its name is too long.
    """
    source = str(path)
    try:
        st = Path(path).stat()
    except FileNotFoundError:
        msg = "is a broken symbolic link" if Path(path).is_symlink() else "file not found"
        raise error(msg, source=source, field=field) from None
    except OSError as exc:
        raise error(_describe_oserror(exc), source=source, field=field) from None
    mode = st.st_mode
    kind = None
    if stat.S_ISDIR(mode):
        kind = "is a folder, not a file"
    elif stat.S_ISFIFO(mode):
        kind = "is a named pipe (FIFO), not a regular file; it was not read"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "is a device, not a regular file; it was not read"
    elif stat.S_ISSOCK(mode):
        kind = "is a socket, not a regular file; it was not read"
    elif not stat.S_ISREG(mode):
        kind = "is not a regular file; it was not read"
    if kind:
        raise error(kind, source=source, field=field)
    return st


def read_bytes(
    path: str | Path,
    max_bytes: int,
    error: ErrorType = ScenarioError,
    field: str | None = None,
) -> bytes:
    """Read a regular file of at most ``max_bytes`` bytes.

    Args:
        path: The file.
        max_bytes: Size cap (bytes).
        error: The error class raised.
        field: The option or key the path came from, for the message.

    Returns:
        The file's bytes.

    Raises:
        CourtsimError: (``error``) See :func:`check_regular_file`; or the file is too large.
    """
    st = check_regular_file(path, error, field)
    too_big = f"is {st.st_size:,} bytes, more than the {max_bytes:,} accepted for this kind of file"
    if st.st_size > max_bytes:
        raise error(too_big, source=str(path), field=field)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since the check, the
        # open returns at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise error("is not a regular file; it was not read", source=str(path), field=field)
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise error(_describe_oserror(exc), source=str(path), field=field) from None
    if len(data) > max_bytes:
        raise error(too_big, source=str(path), field=field)
    return data


def read_text(
    path: str | Path, max_bytes: int, error: ErrorType = ScenarioError, field: str | None = None
) -> str:
    """Read a regular UTF-8 text file (see :func:`read_bytes`).

    Args:
        path: The file.
        max_bytes: Size cap (bytes).
        error: The error class raised.
        field: The option or key the path came from, for the message.

    Returns:
        The text.

    Raises:
        CourtsimError: (``error``) See :func:`read_bytes`; or the file is not UTF-8.
    """
    try:
        return read_bytes(path, max_bytes, error, field).decode("utf-8")
    except UnicodeDecodeError:
        raise error("not a UTF-8 text file", source=str(path), field=field) from None


# ---------------------------------------------------------------------------------- YAML
class _LimitError(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any = None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys, bad dates, deep nesting, alias bombs."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - yaml's hook
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(
                    f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # noqa: D102
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` keys are overridden on purpose
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # an unhashable key: SafeConstructor reports it below
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key '{elide(str(key), 60)}' (each key may appear once in a mapping)",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node: Any) -> Any:  # noqa: D102
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a valid date or time ({exc})", node.start_mark
            ) from None


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)


def _check_expansion(root: Any) -> None:
    """Refuse recursive aliases and documents whose aliases expand past :data:`MAX_NODES`."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: Any, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise _LimitError("a recursive alias (an anchor used inside itself)", node.start_mark)
        if depth > 4 * MAX_DEPTH:
            raise _LimitError(f"aliases nest more than {4 * MAX_DEPTH} levels", node.start_mark)
        total = 1
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            open_.add(key)
            children = node.value if isinstance(node, yaml.SequenceNode) else sum(node.value, ())
            for child in children:
                total += size(child, depth + 1)
                if total > MAX_NODES:
                    raise _LimitError(
                        f"expands to more than {MAX_NODES:,} values (through aliases: a "
                        "'billion laughs' document?)",
                        node.start_mark,
                    )
            open_.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"not valid YAML{where}: {problem}"


def parse_yaml(text: str, source: str, error: ErrorType = ScenarioError) -> Any:
    """Parse YAML text under the rules of :class:`StrictLoader`.

    Args:
        text: The YAML.
        source: Its file (or option), for messages.
        error: The error class raised.

    Returns:
        The data (None for an empty document).

    Raises:
        CourtsimError: (``error``) The text is not valid YAML or breaks a limit.
    """
    loader = None
    try:
        loader = StrictLoader(text)  # its reader checks the characters already
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise error(_yaml_problem(exc), source=source) from None
    except RecursionError:
        raise error(
            f"not valid YAML: nested too deeply (limit {MAX_DEPTH})", source=source
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def load_yaml(
    path: str | Path,
    error: ErrorType = ScenarioError,
    max_bytes: int = MAX_YAML_BYTES,
    field: str | None = None,
) -> Any:
    """Read a YAML file: a regular, size-capped UTF-8 file parsed by :class:`StrictLoader`.

    Args:
        path: The file.
        error: The error class raised.
        max_bytes: Size cap (bytes).
        field: The option or key the path came from, for the message.

    Returns:
        The data (None for an empty file).

    Raises:
        CourtsimError: (``error``) See :func:`read_text` and :func:`parse_yaml`.
    """
    return parse_yaml(read_text(path, max_bytes, error, field), str(path), error)


# ---------------------------------------------------------------------------------- JSON
def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key '{elide(k, 60)}'")
        out[k] = v
    return out


def load_json(
    path: str | Path, error: ErrorType = ScenarioError, max_bytes: int = MAX_JSON_BYTES
) -> Any:
    """Read a JSON file: regular, size-capped, UTF-8, no duplicate keys.

    Args:
        path: The file.
        error: The error class raised.
        max_bytes: Size cap (bytes).

    Returns:
        The data.

    Raises:
        CourtsimError: (``error``) The file cannot be read or is not valid JSON.
    """
    text = read_text(path, max_bytes, error)
    name = Path(path).name
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise error(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            source=str(path),
        ) from None
    except ValueError as exc:
        raise error(f"{name} is not valid JSON ({elide(str(exc))})", source=str(path)) from None
    except RecursionError:
        raise error(f"{name} is nested too deeply to be read", source=str(path)) from None


# ---------------------------------------------------------------------------------- checks
def sha256_file(path: Path) -> str:
    """Return the sha256 hex digest of a file's bytes.

    Args:
        path: The file.

    Returns:
        The digest.
    """
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: Largest number of days accepted anywhere (``*_days`` keys): ~2,700 years.
MAX_DAYS_VALUE = 1_000_000
#: Largest whole number accepted anywhere: beyond it numpy's int64 and float64 lose it.
MAX_INTEGER = 2**53


def check_numbers(data: Any, source: str, error: ErrorType = ScenarioError) -> None:
    """Refuse numbers no simulation can hold, whatever field they are in.

    Units are in the names (``*_days``), so one rule bounds every duration, including
    those inside distribution specs (``age_days: {dist: exponential, mean: ...}``), and
    one rule bounds every whole number, before numpy overflows on them.

    Args:
        data: Plain data as read from YAML.
        source: Where it came from, for messages.
        error: The error class raised.

    Raises:
        CourtsimError: (``error``) A number is too large.
    """

    def walk(node: Any, path: tuple[str, ...], in_days: bool) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, str(k)), in_days or str(k).endswith("_days"))
        elif isinstance(node, list | tuple):
            for i, v in enumerate(node):
                walk(v, (*path, str(i)), in_days)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            where = ".".join(path)
            if isinstance(node, int) and abs(node) > MAX_INTEGER:
                raise error(
                    f"{elide(repr(node), 40)} is too large a number (limit {MAX_INTEGER:,})",
                    source=source,
                    field=where,
                )
            if in_days and abs(node) > MAX_DAYS_VALUE:
                raise error(
                    f"{elide(repr(node), 40)} days is more than the {MAX_DAYS_VALUE:,} days "
                    "accepted for any duration",
                    source=source,
                    field=where,
                )

    walk(data, (), False)
