"""Publishing: DataFrames -> typed Parquet files, published as immutable releases.

Every table is written through its pyarrow schema from :mod:`pipeline.schema`, so
column order, types, nullability and the field descriptions (Parquet field
metadata) are those of the schema, whatever the DataFrame looked like.

Releases. The output folder (``data/processed`` below) is a symbolic link to one
release: a folder under ``data/.processed.releases/`` that a build wrote, validated
and never changes afterwards. A build writes its tables into a staging folder there,
validates it, renames it to its release name and then replaces the link in one
atomic ``rename``: a reader sees the old release or the new one, never a mix and
never no output. A reader that wants tables of one build resolves the link once
(:func:`pipeline.load` does). The last :data:`KEEP_RELEASES` releases are kept;
:func:`rollback` points the link at the one before the current.

Names used next to the output folder:

- ``.processed.lock``: the lock file of :func:`build_lock` (kept once a release exists; a build that
  never published anything removes it on exit, while still holding it).
- ``.processed.releases/<id>/``: releases, each with a :data:`RELEASE_MARKER` file.
- ``.processed.releases/.staging-<pid>/``: a build's staging folder.

A build replaces only what the pipeline published itself (:func:`check_out_dir`): the
output folder must be absent, empty, a link to one of its releases or a folder
holding a release marker (or only table files of an older version); it may never be
the raw folder, hold it or lie inside it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import math
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import schema

MAX_SHOWN = 5
# Rows per Parquet row group: a reader (or the writer) holds one group of a large table at a time.
ROW_GROUP_ROWS = 10_000
PANDAS_INT_DTYPES = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


class TableSchemaError(ValueError):
    """A DataFrame cannot be published with its table's schema."""

    def __init__(self, table: str, column: str | None, message: str, values: list | None = None) -> None:
        self.table, self.column, self.values = table, column, values or []
        where = f"{table}.{column}" if column else table
        shown = f"; offending values: {self.values!r}" if self.values else ""
        super().__init__(f"{where}: {message}{shown}")


class BuildLocked(RuntimeError):
    """Another build holds the lock of the output folder."""


# --- DataFrame columns -> Arrow arrays --------------------------------------------------


class ColumnTypeError(ValueError):
    """Values of one column do not fit the column's Arrow type."""

    def __init__(self, message: str, values: list | None = None) -> None:
        super().__init__(message)
        self.values = (values or [])[:MAX_SHOWN]


def is_missing(value: object) -> bool:
    """True for the scalar nulls pandas uses (None, NaN, NA, NaT); lists are never missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _is_int(v: object) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)


def _to_str(v: object) -> str:
    if not isinstance(v, str):
        raise TypeError
    return v


def _to_bool(v: object) -> bool:
    if not isinstance(v, bool | np.bool_):
        raise TypeError
    return bool(v)


def _to_int(v: object) -> int:
    if _is_int(v):
        return int(v)
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return int(v)
    raise TypeError


def _to_float(v: object) -> float:
    if _is_int(v) or isinstance(v, float | np.floating):
        return float(v)
    raise TypeError


def _to_date(v: object) -> dt.date:
    if isinstance(v, dt.datetime):  # pd.Timestamp included
        if v.time() != dt.time(0):
            raise TypeError
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and len(v) == 10:
        return dt.date.fromisoformat(v)
    raise TypeError


def _to_utc(v: object) -> pd.Timestamp:
    if not isinstance(v, dt.datetime) or v.tzinfo is None:
        raise TypeError
    return pd.Timestamp(v).tz_convert("UTC")


def _to_str_list(v: object) -> list[str]:
    if not isinstance(v, list | tuple | np.ndarray) or not all(isinstance(x, str) for x in v):
        raise TypeError
    return list(v)


def _converter(type_: pa.DataType) -> Callable[[object], object]:
    if pa.types.is_string(type_):
        return _to_str
    if pa.types.is_boolean(type_):
        return _to_bool
    if pa.types.is_integer(type_):
        return _to_int
    if pa.types.is_floating(type_):
        return _to_float
    if pa.types.is_date32(type_):
        return _to_date
    if pa.types.is_timestamp(type_):
        return _to_utc
    if pa.types.is_list(type_) and pa.types.is_string(type_.value_type):
        return _to_str_list
    raise NotImplementedError(f"no conversion to {type_}")


def _convert_values(values: pd.Series, type_: pa.DataType) -> list:
    """Convert value by value (object columns); collect the values that do not fit."""
    convert, out, bad = _converter(type_), [], []
    for v in values:
        if is_missing(v):
            out.append(None)
            continue
        try:
            out.append(convert(v))
        except (TypeError, ValueError):
            bad.append(v)
    if bad:
        raise ColumnTypeError(f"{len(bad)} value(s) are not {type_}", bad)
    return out


def _dtype_fits(dtype, type_: pa.DataType) -> bool:
    """Whether a column of this dtype can be handed to pyarrow as a whole (else it is converted value by value)."""
    if pa.types.is_timestamp(type_):
        return isinstance(dtype, pd.DatetimeTZDtype)
    if pa.types.is_string(type_):
        return isinstance(dtype, pd.StringDtype)
    if pa.types.is_boolean(type_):
        return pd.api.types.is_bool_dtype(dtype)
    if pa.types.is_integer(type_):
        return pd.api.types.is_integer_dtype(dtype)
    if pa.types.is_floating(type_):
        return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    return False


def column_to_arrow(values: pd.Series, type_: pa.DataType) -> pa.Array:
    """One column as an Arrow array of ``type_``, without silent conversions.

    Accepted: strings for string; bools for bool; integers, or floats holding whole numbers,
    for integer types; numbers for float; python dates, midnight datetimes/Timestamps or
    ``YYYY-MM-DD`` strings for date32; tz-aware datetimes for timestamp (converted to UTC);
    lists, tuples or arrays of strings for list<string>. Nulls (None, NaN, NA, NaT) become null.
    Raises :class:`ColumnTypeError` with a few offending values.
    """
    if pa.types.is_timestamp(type_) and pd.api.types.is_datetime64_dtype(values.dtype):
        raise ColumnTypeError("naive timestamps: give tz-aware (UTC) timestamps", values.dropna().head(MAX_SHOWN).tolist())
    if pa.types.is_timestamp(type_) and isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(type_.tz)
    elif not _dtype_fits(values.dtype, type_):
        values = pd.Series(_convert_values(values.astype(object), type_), index=values.index, dtype=object)
    try:
        return pa.array(values, type=type_, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:  # out of range, sub-microsecond instants
        bad = []
        for v in values:
            with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):
                pa.array([v], type=type_, from_pandas=True)
                continue
            bad.append(v)
        raise ColumnTypeError(str(exc), bad) from None


def check_columns(df: pd.DataFrame, table: str) -> None:
    expected = schema.column_names(table)
    missing = [c for c in expected if c not in df.columns]
    extra = [c for c in df.columns if c not in expected]
    if missing or extra:
        column = (missing or extra)[0]
        raise TableSchemaError(table, column, f"columns differ from the schema: missing {missing}, unexpected {extra}")
    if df.columns.duplicated().any():
        raise TableSchemaError(table, str(df.columns[df.columns.duplicated()][0]), "duplicate column")


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """The published pandas view of a table: nullable ints, dates as python dates, str strings, UTC timestamps."""
    return table.to_pandas(types_mapper=PANDAS_INT_DTYPES.get, date_as_object=True)


def _pandas_metadata(target: pa.Schema) -> bytes:
    """The pandas block of the metadata, so ``pandas.read_parquet`` restores nullable ints."""
    empty = arrow_to_pandas(target.empty_table())
    return pa.Table.from_pandas(empty, schema=target, preserve_index=False).schema.metadata[b"pandas"]


def _file_metadata(target: pa.Schema) -> dict[bytes, bytes]:
    return {**target.metadata, b"pandas": _pandas_metadata(target)}


def to_arrow(df: pd.DataFrame, table: str, profile=None, *, first_row: int = 0) -> pa.Table:
    """Coerce a DataFrame to ``schema.arrow_schema(table, profile)``.

    Columns are put in schema order; each is converted by :func:`column_to_arrow`.
    Raises :class:`TableSchemaError` naming the column on missing or extra columns,
    values that do not fit the type, or nulls in a non-nullable field (their rows counted from ``first_row``).
    """
    target = schema.arrow_schema(table, profile)
    check_columns(df, table)
    arrays = []
    for field in target:
        try:
            array = column_to_arrow(df[field.name], field.type)
        except ColumnTypeError as exc:
            raise TableSchemaError(table, field.name, f"expected {field.type}: {exc}", exc.values) from None
        if not field.nullable and array.null_count:
            rows = [first_row + int(i) for i in np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False))[:MAX_SHOWN]]
            raise TableSchemaError(table, field.name, f"{array.null_count} null value(s) in a non-nullable field (rows {rows})")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=target).replace_schema_metadata(_file_metadata(target))


# --- Files ---------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_table(df: pd.DataFrame | Iterable[pd.DataFrame], table: str, folder: Path, *, build_info: dict | None = None, profile=None) -> Path:
    """Write ``folder/<table>.parquet``; the file's key-value metadata holds ``build_info`` as JSON under ``pipeline``.

    The bytes depend only on the data and ``build_info`` (no write time inside), and the
    file appears complete or not at all (written to a temporary name, then renamed). The rows are
    converted one row group at a time: a large table's list columns would otherwise become millions of
    Python objects at once. ``df`` may also be the table's rows as frames made one after the other, each
    of ``ROW_GROUP_ROWS`` rows but the last (the bytes are then those of the table they make up).
    """
    target = schema.arrow_schema(table, profile)
    metadata = _file_metadata(target)
    if build_info is not None:
        metadata[b"pipeline"] = json.dumps(build_info, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with pq.ParquetWriter(tmp, target.with_metadata(metadata)) as writer:
            written = 0
            for group in _row_groups(df, table):
                converted = to_arrow(group, table, profile, first_row=written)
                writer.write_table(converted.replace_schema_metadata(metadata), row_group_size=ROW_GROUP_ROWS)
                written += len(converted)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync(tmp)
    os.replace(tmp, path)
    return path


def _row_groups(df: pd.DataFrame | Iterable[pd.DataFrame], table: str) -> Iterator[pd.DataFrame]:
    """A table's rows a row group at a time; an empty table as one empty group (as ``pq.write_table`` writes it)."""
    if isinstance(df, pd.DataFrame):
        for start in range(0, max(len(df), 1), ROW_GROUP_ROWS):
            yield df.iloc[start : start + ROW_GROUP_ROWS]
        return
    empty = True
    for group in df:
        if len(group):
            empty = False
            yield group
    if empty:
        yield pd.DataFrame(columns=schema.column_names(table))


def read_table(folder: Path, table: str) -> pd.DataFrame:
    """Read ``folder/<table>.parquet`` as published: see :func:`arrow_to_pandas`; list columns as python lists."""
    df = arrow_to_pandas(pq.read_table(folder / f"{table}.parquet"))
    for field in schema.arrow_schema(table):
        if pa.types.is_list(field.type) and field.name in df.columns:
            df[field.name] = [None if v is None else list(v) for v in df[field.name]]
    return df


def read_build_info(folder: Path, table: str) -> dict | None:
    meta = pq.read_schema(folder / f"{table}.parquet").metadata or {}
    return json.loads(meta[b"pipeline"]) if b"pipeline" in meta else None


# --- Releases, lock ----------------------------------------------------------------------

RELEASE_MARKER = ".pipeline-release.json"
KEEP_RELEASES = 3
# What an output folder of an older version (a plain folder, no marker) may hold.
LEGACY_OUTPUT_NAMES = {f"{t}.parquet" for t in schema.TABLES} | {"validation", "events_acled.csv", "events_ucdp.csv", "events.geoparquet", "events_geo.parquet"}


class UnsafeOutput(ValueError):
    """The output folder is not one this pipeline may replace."""


def _sibling(out_dir: Path, suffix: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{suffix}"


def releases_dir(out_dir: Path) -> Path:
    return _sibling(out_dir, "releases")


def lock_path(out_dir: Path) -> Path:
    return _sibling(out_dir, "lock")


def staging_dir(out_dir: Path) -> Path:
    return releases_dir(out_dir) / f".staging-{os.getpid()}"


def _legacy_backup(out_dir: Path) -> Path:
    return _sibling(out_dir, "previous")


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def current_release(out_dir: Path) -> Path | None:
    """The release folder the output link points at; None when the output is not such a link."""
    if not out_dir.is_symlink():
        return None
    target = Path(os.path.normpath(out_dir.parent / os.readlink(out_dir)))
    return target if target.parent == releases_dir(out_dir) else None


def check_out_dir(out_dir: Path, raw_dir: Path | None = None) -> None:
    """Raise :class:`UnsafeOutput` unless a build may replace ``out_dir`` (see the module docstring)."""
    out = Path(os.path.abspath(out_dir))
    if raw_dir is not None:
        raw = Path(os.path.realpath(raw_dir))
        for candidate in {out, Path(os.path.realpath(out))}:
            if _within(raw, candidate):
                raise UnsafeOutput(f"refusing to publish to {out_dir}: it is the raw folder {raw_dir} or holds it, and raw reports are never replaced")
            if _within(candidate, raw):
                raise UnsafeOutput(f"refusing to publish to {out_dir}: it lies inside the raw folder {raw_dir}, and raw reports are never modified")
    if out.is_symlink():
        if current_release(out) is None:
            raise UnsafeOutput(f"refusing to publish to {out_dir}: it is a symbolic link to {os.readlink(out)}, not to a release of this pipeline")
        return
    if not out.exists():
        return
    if not out.is_dir():
        raise UnsafeOutput(f"refusing to publish to {out_dir}: it is a file, not a folder")
    names = {p.name for p in out.iterdir()}
    if names and RELEASE_MARKER not in names and not names <= LEGACY_OUTPUT_NAMES:
        shown = ", ".join(sorted(names - LEGACY_OUTPUT_NAMES)[:MAX_SHOWN])
        raise UnsafeOutput(
            f"refusing to publish to {out_dir}: it is a folder this pipeline did not publish (it holds {shown}); "
            "give an empty or new folder, or the output folder of an earlier build"
        )


def _check_known(names: Iterable[str]) -> None:
    unknown = sorted(set(names) - set(schema.TABLES))
    if unknown:
        raise TableSchemaError(unknown[0], None, f"not a table of the schema (tables: {list(schema.TABLES)})")


class Staging:
    """A release being written: a fresh staging folder of ``out_dir``'s releases (an older one is removed), into which
    each table is written as soon as it is final, so a build need not hold every table until the end."""

    def __init__(self, out_dir: Path, *, build_info: dict, profile=None, on_table: Callable[[str, Path], None] | None = None) -> None:
        self.out_dir, self.build_info, self.profile = out_dir, build_info, profile
        self.on_table = on_table  # told the name and file of each table once it is written
        self.path = staging_dir(out_dir)
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)

    def put(self, name: str, table: pd.DataFrame | Iterable[pd.DataFrame]) -> None:
        """Write the table (a DataFrame, or its rows as frames: see :func:`write_table`)."""
        _check_known([name])
        write_table(table, name, self.path, build_info=self.build_info, profile=self.profile)
        if self.on_table is not None:
            self.on_table(name, self.path / f"{name}.parquet")

    def finish(self) -> Path:
        _fsync(self.path)
        return self.path

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        _remove_if_empty(releases_dir(self.out_dir))


def stage_tables(tables: dict[str, pd.DataFrame], out_dir: Path, *, build_info: dict, profile=None) -> Path:
    """Write every table into a fresh staging folder of ``out_dir``'s releases and return the folder.

    On any error the staging folder is removed and the error raised (the output is untouched).
    """
    _check_known(tables)
    staging = Staging(out_dir, build_info=build_info, profile=profile)
    try:
        for name in schema.TABLES:
            if name in tables:
                staging.put(name, tables[name])
        return staging.finish()
    except BaseException:
        staging.discard()
        raise


class TableFiles(Mapping[str, pd.DataFrame]):
    """The tables of a folder of Parquet files, each read (see :func:`read_table`) when asked for, none kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names():
            raise KeyError(name)
        return read_table(self.folder, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def _names(self) -> list[str]:
        return [name for name in schema.TABLES if (self.folder / f"{name}.parquet").is_file()]


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _release_name() -> str:
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S.%fZ")


def _point_at(out_dir: Path, release: Path) -> None:
    """Make ``out_dir`` a link to ``release`` in one atomic rename (a relative link: the data folder can move)."""
    link = _sibling(out_dir, f"link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(os.path.relpath(release, out_dir.parent), link)
    os.replace(link, out_dir)
    _fsync(out_dir.parent)


def _adopt_plain_folder(out_dir: Path) -> None:
    """Turn an output folder of an older version (a plain folder) into a release, so that a link can replace it."""
    if out_dir.is_symlink() or not out_dir.is_dir():
        return
    if not any(out_dir.iterdir()):
        out_dir.rmdir()
        return
    adopted = releases_dir(out_dir) / f"{_release_name()}-adopted"
    os.rename(out_dir, adopted)
    marker = adopted / RELEASE_MARKER
    if not marker.exists():
        marker.write_text(json.dumps({"release": adopted.name, "adopted": True}) + "\n", encoding="utf-8")


def swap_in(staging: Path, out_dir: Path, *, keep: int = KEEP_RELEASES) -> Path:
    """Publish ``staging`` as a new release and point ``out_dir`` at it; return the release folder.

    Order: the marker is written, the staging folder renamed to its release name, the link replaced,
    old releases pruned. A crash at any step leaves ``out_dir`` pointing at a complete release (the old
    one until the link is replaced); an unreferenced release or staging folder is cleaned up later.
    """
    if not staging.is_dir():
        raise FileNotFoundError(f"staging folder not found: {staging}")
    check_out_dir(out_dir)
    release = releases_dir(out_dir) / _release_name()
    info = {"release": release.name, "tables": sorted(p.stem for p in staging.glob("*.parquet"))}
    (staging / RELEASE_MARKER).write_text(json.dumps(info, sort_keys=True) + "\n", encoding="utf-8")
    _fsync(staging)
    os.rename(staging, release)
    _adopt_plain_folder(out_dir)
    _point_at(out_dir, release)
    prune_releases(out_dir, keep=keep)
    return release


def list_releases(out_dir: Path) -> list[Path]:
    """Published releases of ``out_dir``, oldest first."""
    folder = releases_dir(out_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / RELEASE_MARKER).is_file())


def prune_releases(out_dir: Path, *, keep: int = KEEP_RELEASES) -> list[Path]:
    """Delete all but the newest ``keep`` releases; the current one is never deleted."""
    current = current_release(out_dir)
    releases = list_releases(out_dir)
    doomed = [r for r in releases[: max(0, len(releases) - keep)] if r != current]
    for release in doomed:
        shutil.rmtree(release, ignore_errors=True)
    return doomed


def rollback(out_dir: Path) -> Path:
    """Point ``out_dir`` at the release published before the current one; return it."""
    with build_lock(out_dir):
        current = current_release(out_dir)
        if current is None:
            raise UnsafeOutput(f"{out_dir} is not a published release; nothing to roll back")
        earlier = [r for r in list_releases(out_dir) if r.name < current.name]
        if not earlier:
            raise UnsafeOutput(f"no release older than {current.name} is kept beside {out_dir}")
        _point_at(out_dir, earlier[-1])
        return earlier[-1]


def recover(out_dir: Path, *, keep_staging: Path | None = None) -> list[str]:
    """Undo what a killed build left beside ``out_dir``; return what was done.

    Staging folders are deleted. An older version's swap that died between its two renames left the
    old output under ``.<name>.previous`` and no output: it is renamed back. Call only while holding
    :func:`build_lock` (it does so itself).
    """
    done = []
    backup = _legacy_backup(out_dir)
    if backup.is_dir() and not backup.is_symlink():
        if out_dir.exists() or out_dir.is_symlink():
            shutil.rmtree(backup)
            done.append(f"deleted {backup.name} (the swap had completed)")
        else:
            os.rename(backup, out_dir)
            done.append(f"restored {out_dir.name} from {backup.name} (the swap had not completed)")
    stale = list(releases_dir(out_dir).glob(".staging-*")) if releases_dir(out_dir).is_dir() else []
    if out_dir.parent.is_dir():
        stale += list(out_dir.parent.glob(f".{out_dir.name}.staging-*")) + list(out_dir.parent.glob(f".{out_dir.name}.link-*"))
    for leftover in sorted(stale):
        if keep_staging is not None and leftover.resolve() == keep_staging.resolve():
            continue
        if leftover.is_symlink():
            leftover.unlink()
        else:
            shutil.rmtree(leftover, ignore_errors=True)
        done.append(f"deleted {leftover.name} (left by a killed build)")
    return done


def never_published(out_dir: Path) -> bool:
    """True while nothing was ever published to ``out_dir``: no output, no release beside it."""
    return not out_dir.exists() and not out_dir.is_symlink() and not list_releases(out_dir)


def _open_lock(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if path.is_symlink():
            raise BuildLocked(f"the lock file {path} is a symbolic link; remove it (its target is left alone)") from None
        raise BuildLocked(f"cannot open the lock file {path}: {exc.strerror}") from None


def _is_file_at(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (a finished build may have removed it meanwhile)."""
    try:
        current = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


@contextmanager
def build_lock(out_dir: Path) -> Iterator[Path]:
    """Hold an exclusive lock on ``out_dir`` for a build; raise :class:`BuildLocked` at once if another build holds it.

    The lock is ``flock`` on ``.<name>.lock`` beside ``out_dir``, opened without following a
    symbolic link (a planted link is an error, its target untouched); the kernel drops the lock when
    the holder exits, however it exits. Once held, leftovers of killed builds are recovered.

    A holder that leaves ``out_dir`` never published removes the lock file (and an empty releases
    folder) before releasing it, so a failed first build leaves nothing beside the output. A build
    that opened the file just before it was removed finds, once it holds the lock, that the path no
    longer names its file, and locks the new one instead.
    """
    path = lock_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(5):
        fd = _open_lock(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise BuildLocked(f"another build is writing {out_dir} (process {holder} holds {path}); wait for it to finish") from None
        if _is_file_at(fd, path):
            break
        os.close(fd)
    else:
        raise BuildLocked(f"the lock file {path} keeps being replaced; is another build starting and stopping?")
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        recover(out_dir)
        yield path
    finally:
        try:
            if never_published(out_dir):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()  # still held: no other build can be using it
                _remove_if_empty(releases_dir(out_dir))
        finally:
            os.close(fd)  # closing the descriptor releases the lock


def load_release(out_dir: Path, tables: list[str] | tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """The tables of one build: the output link is resolved once, so a build finishing meanwhile cannot mix releases."""
    folder = Path(os.path.realpath(out_dir))
    if not folder.is_dir():
        raise FileNotFoundError(f"no published output at {out_dir}; run `make data` first")
    names = list(tables) if tables is not None else [t for t in schema.TABLES if (folder / f"{t}.parquet").is_file()]
    unknown = [t for t in names if t not in schema.TABLES]
    if unknown:
        raise KeyError(f"unknown table(s) {unknown}; tables: {list(schema.TABLES)}")
    return {name: read_table(folder, name) for name in names}
