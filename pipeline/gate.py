"""The validation gate of a build, in a process of its own.

Importing Great Expectations takes seconds. A build forks this process as it starts; the process
imports it while the build reads and extracts, reads each table as soon as it is staged, and validates
them once all are written, while the build writes the exports beside them. Where processes cannot be forked (or with
``fork=False``), the gate runs in the build's own process when its result is asked for.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from pipeline.profile import Profile


class GateError(RuntimeError):
    """The validation process failed without a report."""


def _serve(conn: Connection, profile: Profile) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    from pipeline import validate

    with contextlib.suppress(Exception):  # a failure is reported when the build asks for its report (validate_folder imports it again)
        validate.import_great_expectations()
    read: dict[str, tuple] = {}  # the tables read as they were staged
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        if request[0] != "table":
            break
        with contextlib.suppress(Exception):  # a table that cannot be read now is read (and reported) with the others
            read[request[1]] = validate.read_staged(Path(request[1]))
    _, staging, docs = request
    try:
        answer = ("report", validate.validate_folder(Path(staging), profile=profile, docs=docs, read=read))
    except Exception as exc:
        answer = ("error", exc)
    try:
        conn.send(answer)
    except Exception as exc:  # an exception that cannot be pickled
        conn.send(("error", GateError(f"{type(answer[1]).__name__}: {answer[1]} ({exc})")))


class Gate:
    """``with Gate(profile) as gate: ... gate.start(staging, docs) ... report = gate.report()``."""

    def __init__(self, profile: Profile, *, fork: bool = True) -> None:
        self.profile = profile
        self.fork = fork and "fork" in multiprocessing.get_all_start_methods()
        self.process = None
        self.conn: Connection | None = None
        self.request: tuple[Path, bool] | None = None

    def __enter__(self) -> Gate:
        if self.fork:
            context = multiprocessing.get_context("fork")
            self.conn, child = context.Pipe()
            self.process = context.Process(target=_serve, args=(child, self.profile), name="validation-gate", daemon=True)
            self.process.start()
            child.close()
        return self

    def staged(self, name: str, path: Path) -> None:
        """A table is staged: the gate's process reads it now, while the build goes on (``publish.Staging``'s ``on_table``)."""
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.send(("table", str(path)))

    def start(self, staging: Path, docs: bool) -> None:
        """Validate the tables staged in ``staging`` (in the background where the gate has a process)."""
        self.request = (staging, docs)
        if self.conn is not None:
            with contextlib.suppress(OSError):  # a process that has ended: report() says so
                self.conn.send(("validate", str(staging), docs))

    def report(self):
        """The :class:`pipeline.validate.ValidationReport` of the staged tables (waits for it)."""
        if self.request is None:
            raise GateError("nothing was given to validate")
        if self.conn is None:
            from pipeline import validate

            staging, docs = self.request
            return validate.validate_folder(staging, profile=self.profile, docs=docs)
        try:
            kind, value = self.conn.recv()
        except EOFError:
            self.process.join(5)
            raise GateError(f"the validation process ended without a report (exit code {self.process.exitcode})") from None
        if kind == "error":
            raise value
        return value

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        with contextlib.suppress(OSError, ValueError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()
