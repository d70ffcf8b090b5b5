"""Publishing: DataFrames -> typed Parquet files, swapped into place atomically.

Every table is written through its pyarrow schema from :mod:`pipeline.schema`, so
column order, types, nullability and the field descriptions (Parquet field
metadata) are those of the schema, whatever the DataFrame looked like.

A build writes all its tables into a staging folder beside the output folder
(same filesystem), validates that folder, then :func:`swap_in` renames it into
place. Names used next to ``out_dir`` (``data/processed`` below):

- ``.processed.lock``: the lock file of :func:`build_lock` (kept; never deleted).
- ``.processed.staging-<pid>``: a build's staging folder.
- ``.processed.previous``: the old output while it is being replaced.

Recovery (:func:`recover`, run by :func:`build_lock` once it holds the lock, so
no other build is running): a ``.previous`` folder with no output folder means
a swap died between its two renames, and the old output is renamed back; a
``.previous`` folder beside an output folder means the swap completed, and it is
deleted; any staging folder is left from a killed build and is deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import math
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import schema

MAX_SHOWN = 5
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


def _pandas_metadata(arrow: pa.Table) -> bytes:
    """The pandas block of the metadata, so ``pandas.read_parquet`` restores nullable ints."""
    empty = arrow_to_pandas(arrow.slice(0, 0))
    return pa.Table.from_pandas(empty, schema=arrow.schema, preserve_index=False).schema.metadata[b"pandas"]


def to_arrow(df: pd.DataFrame, table: str) -> pa.Table:
    """Coerce a DataFrame to ``schema.arrow_schema(table)``.

    Columns are put in schema order; each is converted by :func:`column_to_arrow`.
    Raises :class:`TableSchemaError` naming the column on missing or extra columns,
    values that do not fit the type, or nulls in a non-nullable field.
    """
    target = schema.arrow_schema(table)
    check_columns(df, table)
    arrays = []
    for field in target:
        try:
            array = column_to_arrow(df[field.name], field.type)
        except ColumnTypeError as exc:
            raise TableSchemaError(table, field.name, f"expected {field.type}: {exc}", exc.values) from None
        if not field.nullable and array.null_count:
            rows = [int(i) for i in np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False))[:MAX_SHOWN]]
            raise TableSchemaError(table, field.name, f"{array.null_count} null value(s) in a non-nullable field (rows {rows})")
        arrays.append(array)
    arrow = pa.Table.from_arrays(arrays, schema=target)
    return arrow.replace_schema_metadata({**target.metadata, b"pandas": _pandas_metadata(arrow)})


# --- Files ---------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_table(df: pd.DataFrame, table: str, folder: Path, *, build_info: dict | None = None) -> Path:
    """Write ``folder/<table>.parquet``; the file's key-value metadata holds ``build_info`` as JSON under ``pipeline``.

    The bytes depend only on the data and ``build_info`` (no write time inside), and the
    file appears complete or not at all (written to a temporary name, then renamed).
    """
    arrow = to_arrow(df, table)
    if build_info is not None:
        info = json.dumps(build_info, sort_keys=True, ensure_ascii=False, default=str)
        arrow = arrow.replace_schema_metadata({**arrow.schema.metadata, b"pipeline": info.encode("utf-8")})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(arrow, tmp)
    _fsync(tmp)
    os.replace(tmp, path)
    return path


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


# --- Staging, swap, lock -----------------------------------------------------------------


def _sibling(out_dir: Path, suffix: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{suffix}"


def staging_dir(out_dir: Path) -> Path:
    return _sibling(out_dir, f"staging-{os.getpid()}")


def backup_dir(out_dir: Path) -> Path:
    return _sibling(out_dir, "previous")


def lock_path(out_dir: Path) -> Path:
    return _sibling(out_dir, "lock")


def stage_tables(tables: dict[str, pd.DataFrame], out_dir: Path, *, build_info: dict) -> Path:
    """Write every table into a fresh staging folder beside ``out_dir`` and return the folder.

    On any error the staging folder is removed and the error raised (the output is untouched).
    """
    unknown = sorted(set(tables) - set(schema.TABLES))
    if unknown:
        raise TableSchemaError(unknown[0], None, f"not a table of the schema (tables: {list(schema.TABLES)})")
    staging = staging_dir(out_dir)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        for name in schema.TABLES:
            if name in tables:
                write_table(tables[name], name, staging, build_info=build_info)
        _fsync(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging``: rename ``out_dir`` to the backup name, ``staging`` to ``out_dir``, delete the backup.

    Each rename is atomic. A crash before the first rename leaves the old output; between the
    two, the old output complete under the backup name (:func:`recover` renames it back); after
    the second, the new output (:func:`recover` deletes the backup).
    """
    if not staging.is_dir():
        raise FileNotFoundError(f"staging folder not found: {staging}")
    recover(out_dir, keep_staging=staging)
    backup = backup_dir(out_dir)
    if out_dir.exists():
        os.rename(out_dir, backup)
    os.rename(staging, out_dir)
    _fsync(out_dir.parent)
    if backup.exists():
        shutil.rmtree(backup)


def recover(out_dir: Path, *, keep_staging: Path | None = None) -> list[str]:
    """Undo what a killed build left beside ``out_dir``; return what was done (see the module docstring).

    Call only while holding :func:`build_lock` (it does so itself).
    """
    done = []
    backup = backup_dir(out_dir)
    if backup.exists():
        if out_dir.exists():
            shutil.rmtree(backup)
            done.append(f"deleted {backup.name} (the swap had completed)")
        else:
            os.rename(backup, out_dir)
            done.append(f"restored {out_dir.name} from {backup.name} (the swap had not completed)")
    if out_dir.parent.is_dir():
        for stale in sorted(out_dir.parent.glob(f".{out_dir.name}.staging-*")):
            if keep_staging is None or stale.resolve() != keep_staging.resolve():
                shutil.rmtree(stale, ignore_errors=True)
                done.append(f"deleted {stale.name} (left by a killed build)")
    return done


@contextmanager
def build_lock(out_dir: Path) -> Iterator[Path]:
    """Hold an exclusive lock on ``out_dir`` for a build; raise :class:`BuildLocked` at once if another build holds it.

    The lock is ``flock`` on ``.<name>.lock`` beside ``out_dir``; the kernel drops it when the
    holder exits, however it exits. Once held, leftovers of killed builds are recovered.
    """
    path = lock_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise BuildLocked(f"another build is writing {out_dir} (process {holder} holds {path}); wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        recover(out_dir)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
