"""Reading a file in a child process under a memory and time limit, so no file can take the server down.

The parent sends the bytes on stdin; the child checks them (limits.py), reads every sheet into Arrow
tables of text (dictionary-encoded) and answers on stdout: one JSON line, then one Arrow IPC stream per
sheet. A crash, a memory limit hit or a time-out becomes a refusal naming the file and the sheet.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.delivery.limits import (
    MAX_CELL_CHARS,
    MAX_FIELDS,
    MAX_LINES,
    Limits,
    RefusedFile,
    checked_lines,
    checked_zip,
    column_letters,
    current_limits,
    decoded_text,
)
from kpi.delivery.messages import Problem

if TYPE_CHECKING:
    import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
WHERE = "@where "
"""A line the child writes to stderr before each step, so a crash can be placed."""
_IN_CHILD = False


def _text_table(columns: list[pa.Array], sheet: str) -> pa.Table:
    """Columns named by position, dictionary-encoded, blank cells missing; a cell longer than MAX_CELL_CHARS
    is refused by its place. Checks run on each column's distinct values, not on every cell, and no Python
    value is turned into an Arrow one (pyarrow would load pandas for that: a sixth of a second)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = []
    for position, column in enumerate(columns):
        coded = pc.dictionary_encode(column.cast(pa.string()))
        coded = coded.combine_chunks() if isinstance(coded, pa.ChunkedArray) else coded
        values, indices = coded.dictionary, coded.indices
        lengths = pc.utf8_length(values)
        if (pc.max(lengths).as_py() or 0) > MAX_CELL_CHARS:
            too_long = pc.indices_nonzero(pc.greater(lengths, MAX_CELL_CHARS))
            row = pc.index(pc.is_in(indices, value_set=too_long.cast(indices.type)), True).as_py() + 1
            params = {"limit": MAX_CELL_CHARS}
            raise RefusedFile(Problem("text_too_long", sheet, row, column_letters(position + 1), params=params))
        blank = pc.indices_nonzero(pc.match_substring_regex(values, r"^\s*$"))
        if len(blank):
            is_blank = pc.is_in(indices, value_set=blank.cast(indices.type))
            indices = pc.if_else(is_blank, pa.nulls(len(indices), indices.type), indices)
        encoded.append(pa.DictionaryArray.from_arrays(indices, values))
    return pa.Table.from_arrays(encoded, names=[str(i) for i in range(len(encoded))])


def csv_tables(data: bytes, where: str, limits: Limits) -> list[tuple[str, pa.Table]]:
    """A CSV file as one table: lines and line length checked on the bytes, then parsed record by record."""
    import csv
    import io

    import pyarrow as pa

    checked_lines(data, where)
    text = decoded_text(data, where)
    sample = text[:20000]
    delimiter = max((";", ",", "\t"), key=sample.count)
    records: list[list[str]] = []
    width = cells = 0
    for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        if len(record) > MAX_FIELDS:
            raise RefusedFile(Problem("csv_too_many_fields", where, number, params={"limit": MAX_FIELDS}))
        cells += len(record)
        if cells > limits.cells:
            raise RefusedFile(Problem("file_cell_count", where, number, params={"limit": limits.cells}))
        width = max(width, len(record))
        records.append(record)
    columns = [pa.array([r[i] if i < len(r) else None for r in records], pa.string()) for i in range(width)]
    return [(where, _text_table(columns, where))]


def workbook_tables(data: bytes, kind: str, limits: Limits, zip_checked: bool = False) -> list[tuple[str, pa.Table]]:
    """Every sheet of an xlsx, ods or xls as a table of text; xlsx and ods are checked before reading (unless
    the caller did so already)."""
    import fastexcel

    if kind in ("xlsx", "ods") and not zip_checked:
        checked_zip(data, limits)
    reader = fastexcel.read_excel(data)
    tables = []
    for name in reader.sheet_names:
        if _IN_CHILD:
            print(WHERE + name, file=sys.stderr, flush=True)
        # eager: straight into Arrow, without a lazy sheet in between (a fifth faster)
        table = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string", eager=True)
        if table.num_rows > MAX_LINES or table.num_rows * table.num_columns > limits.cells:
            raise RefusedFile(Problem("file_cell_count", name, params={"limit": limits.cells}))
        tables.append((name, _text_table(table.columns, name)))
    return tables


def read_tables(
    data: bytes, kind: str, where: str, limits: Limits, zip_checked: bool = False
) -> list[tuple[str, pa.Table]]:
    """The sheets of a file as tables of text, in this process; RefusedFile for a file beyond a limit."""
    if kind == "text":
        return csv_tables(data, where, limits)
    return workbook_tables(data, kind, limits, zip_checked)


def _answer(tables: list[tuple[str, pa.Table]]) -> bytes:
    import pyarrow as pa

    blobs = []
    for _, table in tables:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        blobs.append(sink.getvalue().to_pybytes())
    head = {"ok": True, "sheets": [name for name, _ in tables], "sizes": [len(b) for b in blobs]}
    return json.dumps(head).encode() + b"\n" + b"".join(blobs)


def _refusal(problem: Problem) -> bytes:
    head = {"ok": False, "code": problem.code, "sheet": problem.sheet, "row": problem.row, "column": problem.column}
    head["params"] = problem.params
    return json.dumps(head, default=str).encode() + b"\n"


def child_main(spare: bool = True) -> None:
    """Entry of the reading process: wait for the job on stdin, limit memory, read and answer."""
    # a spare process loads the readers while it waits; one started for a job at hand loads pyarrow while
    # fastexcel reads (fastexcel needs it only for its rows)
    import resource

    if spare:
        _load_readers()
    global _IN_CHILD
    _IN_CHILD = True
    job = sys.stdin.buffer.readline()
    if not job:  # the parent ended before it needed this spare
        return
    if not spare:  # fastexcel needs pyarrow only when its rows are read: a tenth of a second earlier
        threading.Thread(target=_load_readers, daemon=True).start()
    settings = json.loads(job)
    limits = Limits(**settings["limits"])
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    data = sys.stdin.buffer.read()
    checker = None
    if settings["check_alongside"] and settings["kind"] in ("xlsx", "ods"):
        checker = threading.Thread(target=_check_or_end, args=(data, limits), daemon=True)
        checker.start()
    try:
        try:
            tables = read_tables(data, settings["kind"], settings["where"], limits, zip_checked=checker is not None)
        finally:
            if checker is not None:
                checker.join()  # a refusal by the check ends this process first: its message is the clearer one
        answer = _answer(tables)
    except Exception as error:  # every failure is an answer
        answer = _refusal(_child_problem(error, limits))
    _end(answer)


def _load_readers() -> None:
    import fastexcel  # noqa: F401
    import pyarrow.compute  # noqa: F401


def _check_or_end(data: bytes, limits: Limits) -> None:
    """The zip check beside the read (fastexcel frees the GIL): a refusal is answered at once and ends the process."""
    try:
        checked_zip(data, limits)
    except MemoryError:  # the reader took the memory: no answer, so the parent reads again with the check first
        os._exit(1)
    except Exception as error:  # refused, or not a readable zip
        _end(_refusal(_child_problem(error, limits)))


def _child_problem(error: Exception, limits: Limits) -> Problem:
    if isinstance(error, RefusedFile):
        return error.problem
    if isinstance(error, MemoryError):
        return Problem("file_read_memory", params={"limit_mb": limits.memory_bytes // (1024 * 1024)})
    return Problem("file_unreadable", params={"detail": type(error).__name__})  # the readers raise many kinds


def _end(answer: bytes) -> None:
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    os._exit(0)  # at once, even while the other thread still reads


def _failure(stderr: bytes, returncode: int, limits: Limits, where: str) -> Problem:
    """What a dead child means: out of memory (an allocation refused), or another failure."""
    lines = stderr.decode(errors="replace").splitlines()
    places = [line[len(WHERE) :] for line in lines if line.startswith(WHERE)]
    sheet = places[-1] if places else where
    text = " ".join(lines).lower()
    if "memory" in text or returncode in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV):
        return Problem("file_read_memory", sheet, params={"limit_mb": limits.memory_bytes // (1024 * 1024)})
    detail = next((line for line in reversed(lines) if line and not line.startswith(WHERE)), f"exit {returncode}")
    return Problem("file_unreadable", sheet, params={"detail": detail[:200]})


KEEP_SPARE = True
"""Start the next reading process as soon as one is used (a server reads again; a one-off command need not)."""
_spare: Reader | None = None
_spare_lock = threading.Lock()


class Reader:
    """A reading process that answers in unnamed temporary files, read at once when it has ended."""

    # Not pipes: a pump thread (`communicate`) waits for the GIL on every 4 KB piece while the caller computes,
    # which made a read four times slower.

    def __init__(self, spare: bool) -> None:
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); import kpi.delivery.isolated as i; i.child_main({spare})"
        )
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1"}
        self.answer, self.errors = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 (outlive this call)
        command = [sys.executable, "-c", code]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=self.answer, stderr=self.errors, env=env)

    def alive(self) -> bool:
        return self.process.poll() is None

    def written(self) -> tuple[bytes, bytes]:
        """What the ended child wrote: its answer and its errors."""
        return _contents(self.answer), _contents(self.errors)


def _contents(file) -> bytes:
    with file:
        file.seek(0)
        return file.read()


def prestart() -> None:
    """Start a reading process ahead of need, so the next read does not wait for Python and its readers."""
    global _spare
    with _spare_lock:
        if _spare is None or not _spare.alive():
            _spare = Reader(spare=True)


def _reader() -> Reader:
    global _spare
    with _spare_lock:
        reader, _spare = _spare, None
    return reader if reader is not None and reader.alive() else Reader(spare=False)


DEFAULT_MAX_READS = 2


def _max_reads() -> int:
    """TECHNIEKPACT_MAX_READS, at least 1 (a value that is no number counts as the default)."""
    try:
        return max(1, int(float(os.environ.get("TECHNIEKPACT_MAX_READS", DEFAULT_MAX_READS))))
    except ValueError:
        return DEFAULT_MAX_READS


READ_SLOTS = threading.BoundedSemaphore(_max_reads())
"""Files read at once in this process: more uploads at the same moment wait their turn rather than add up."""
# each reader may take its whole memory limit; a waiting upload holds no process and its time limit has not started

CHECK_ALONGSIDE_FROM = 1024 * 1024
"""Bytes from which the zip check runs beside the read; a smaller file is checked first (milliseconds)."""
# so a small hostile file (the "5 KB file") never reaches the reader, nor takes its memory


class PendingRead:
    """A file being read by a child process in the background; `tables()` waits for the answer."""

    # With `check_alongside` (the command line only: a server checks first, so concurrent hostile uploads never
    # each take a reader's full memory) a large file's zip check runs beside the read, two cores at work. If the
    # child then dies without an answer (the reader killed by the memory limit on a file the check would
    # refuse), the file is read again with the check first, so the refusal names the cause as that order does.

    def __init__(self, data: bytes, kind: str, where: str, limits: Limits, check_alongside: bool = False) -> None:
        self.kind, self.where, self.limits = kind, where, limits
        self._data = data
        self._check_alongside = check_alongside and kind in ("xlsx", "ods") and len(data) >= CHECK_ALONGSIDE_FROM
        self._reader: Reader | None = None
        self._child: subprocess.Popen | None = None
        self._answer: tuple[bytes, bytes] | None = None
        self._timed_out = self._ended = False
        self._lock = threading.Lock()
        settings = {"kind": kind, "where": where, "limits": limits.__dict__, "check_alongside": self._check_alongside}
        job = json.dumps(settings).encode() + b"\n"
        if READ_SLOTS.acquire(blocking=False):  # a free slot (the usual case): the process starts here, at once
            self._start_reader()  # (from the thread it would wait for the GIL while this process loads pandas)
        self._thread = threading.Thread(target=self._talk, args=(job + data,), daemon=True)
        self._thread.start()

    def _start_reader(self) -> None:
        """The reading process, once this read holds a slot (the slot is given back if none can be started)."""
        try:
            self._reader = _reader()
        except OSError:
            READ_SLOTS.release()
            raise
        self._child = self._reader.process

    def _talk(self, message: bytes) -> None:
        """Wait for a slot if none was free, hand over the file in one write, wait for the child to end."""
        # all of it frees the GIL; the time limit counts from the handover
        if self._child is None:
            READ_SLOTS.acquire()
            with contextlib.suppress(OSError):  # tables() reports a read without a process
                self._start_reader()
            if self._child is None:
                return
        try:
            timer = threading.Timer(self.limits.seconds, self._time_out)
            timer.start()
            try:
                self._child.stdin.write(message)
            except (OSError, ValueError):  # the child died before it took the whole file
                pass
            finally:
                with contextlib.suppress(OSError):
                    self._child.stdin.close()
            self._child.wait()
            with self._lock:  # a timer firing now finds the child ended: a complete answer is no time-out
                self._ended = True
            timer.cancel()
        finally:
            READ_SLOTS.release()
        self._answer = self._reader.written()

    def _time_out(self) -> None:
        with self._lock:
            if self._ended:
                return
            self._timed_out = True
            self._child.kill()

    def reads(self, kind: str, where: str, limits: Limits) -> bool:
        """True if this is the read that `kind`, `where` and `limits` ask for."""
        return (self.kind, self.where, self.limits) == (kind, where, limits)

    def tables(self) -> list[tuple[str, pa.Table]]:
        """The sheets as tables of text; RefusedFile for a file beyond a limit, a crash or a time-out."""
        import pyarrow as pa

        self._thread.join()
        if KEEP_SPARE:
            prestart()
        if self._child is None:  # no process could be started
            raise RefusedFile(Problem("file_unreadable", self.where, params={"detail": "no reading process"}))
        if self._timed_out:
            raise RefusedFile(Problem("file_read_timeout", self.where, params={"seconds": int(self.limits.seconds)}))
        stdout, stderr = self._answer or (b"", b"")
        head, _, body = stdout.partition(b"\n")
        if self._child.returncode != 0 or not head:
            if self._check_alongside:  # died before the check spoke: read again, check first, for its words
                return PendingRead(self._data, self.kind, self.where, self.limits).tables()
            raise RefusedFile(_failure(stderr, self._child.returncode, self.limits, self.where))
        answer = json.loads(head)
        if not answer["ok"]:
            where_found = (answer["sheet"], answer["row"], answer["column"])
            raise RefusedFile(Problem(answer["code"], *where_found, params=answer["params"]))
        tables, offset = [], 0
        for name, size in zip(answer["sheets"], answer["sizes"], strict=True):
            tables.append((name, pa.ipc.open_stream(pa.py_buffer(body[offset : offset + size])).read_all()))
            offset += size
        return tables


def isolated_tables(data: bytes, kind: str, where: str, limits: Limits) -> list[tuple[str, pa.Table]]:
    """The sheets of a file as tables of text, read in a child process under `limits`."""
    return PendingRead(data, kind, where, limits).tables()


def read_ahead(data: bytes, filename: str) -> PendingRead | None:
    """A command's first file, its read started before pandas and the database load; None if refused anyway."""
    from kpi.delivery.kinds import detected_kind, place_name

    limits = current_limits()
    kind = detected_kind(data) if data and len(data) <= limits.upload_bytes else "unknown"
    if kind not in ("xlsx", "ods", "xls", "text"):
        return None
    return PendingRead(data, kind, place_name(filename), limits, check_alongside=True)


if __name__ == "__main__":
    child_main()
