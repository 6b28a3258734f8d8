"""Reading a file in a child process under a memory and time limit, so no file can take the server down.

The parent sends the bytes on stdin; the child checks them (limits.py), reads every sheet into Arrow
tables of text (dictionary-encoded) and answers on stdout: one JSON line, then one Arrow IPC stream per
sheet. A crash, a memory limit hit or a time-out becomes a refusal naming the file and the sheet.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.delivery.limits import MAX_FIELDS, MAX_LINES, Limits, RefusedFile, checked_lines, checked_zip, decoded_text
from kpi.delivery.messages import Problem

if TYPE_CHECKING:
    import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
WHERE = "@where "
"""A line the child writes to stderr before each step, so a crash can be placed."""
_IN_CHILD = False


def _text_table(columns: list[pa.Array]) -> pa.Table:
    """Columns named by position, empty or blank cells missing, each dictionary-encoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = []
    for column in columns:
        column = column.cast(pa.string())
        blank = pc.fill_null(pc.match_substring_regex(column, r"^\s*$"), True)
        encoded.append(pc.if_else(blank, pa.scalar(None, pa.string()), column).dictionary_encode())
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
            raise RefusedFile(Problem("file_too_many_cells", where, number, params=_cells_params(number, limits)))
        width = max(width, len(record))
        records.append(record)
    columns = [pa.array([r[i] if i < len(r) else None for r in records], pa.string()) for i in range(width)]
    return [(where, _text_table(columns))]


def _cells_params(rows: int, limits: Limits) -> dict[str, object]:
    return {"cell": f"rij {rows}", "rows": rows, "columns": "?", "limit": limits.cells}


def workbook_tables(data: bytes, kind: str, limits: Limits) -> list[tuple[str, pa.Table]]:
    """Every sheet of an xlsx, ods or xls as a table of text; xlsx and ods are checked before reading."""
    import fastexcel

    if kind in ("xlsx", "ods"):
        checked_zip(data, limits)
    reader = fastexcel.read_excel(data)
    tables = []
    for name in reader.sheet_names:
        if _IN_CHILD:
            print(WHERE + name, file=sys.stderr, flush=True)
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        table = sheet.to_arrow()
        if table.num_rows > MAX_LINES or table.num_rows * table.num_columns > limits.cells:
            params = {"cell": "", "rows": table.num_rows, "columns": table.num_columns, "limit": limits.cells}
            raise RefusedFile(Problem("file_too_many_cells", name, params=params))
        tables.append((name, _text_table(table.columns)))
    return tables


def read_tables(data: bytes, kind: str, where: str, limits: Limits) -> list[tuple[str, pa.Table]]:
    """The sheets of a file as tables of text, in this process; RefusedFile for a file beyond a limit."""
    if kind == "text":
        return csv_tables(data, where, limits)
    return workbook_tables(data, kind, limits)


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
    head = {"ok": False, "code": problem.code, "sheet": problem.sheet, "row": problem.row, "params": problem.params}
    return json.dumps(head, default=str).encode() + b"\n"


def child_main() -> None:
    """Entry of the reading process: load the readers, wait for the job on stdin, limit memory, answer."""
    import resource

    import fastexcel  # noqa: F401  (loaded before the job arrives: a spare process is ready at once)
    import pyarrow.compute  # noqa: F401

    global _IN_CHILD
    _IN_CHILD = True
    job = sys.stdin.buffer.readline()
    if not job:  # the parent ended before it needed this spare
        return
    settings = json.loads(job)
    limits = Limits(**settings["limits"])
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    data = sys.stdin.buffer.read()
    try:
        answer = _answer(read_tables(data, settings["kind"], settings["where"], limits))
    except RefusedFile as refused:
        answer = _refusal(refused.problem)
    except MemoryError:
        answer = _refusal(Problem("file_read_memory", params={"limit_mb": limits.memory_bytes // (1024 * 1024)}))
    except Exception as error:  # the readers raise many kinds; all mean "not readable"
        answer = _refusal(Problem("file_unreadable", params={"detail": type(error).__name__}))
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()


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


_spare: subprocess.Popen | None = None
_spare_lock = threading.Lock()


def _started() -> subprocess.Popen:
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from kpi.delivery.isolated import child_main; child_main()"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1"}
    pipe = subprocess.PIPE
    return subprocess.Popen([sys.executable, "-c", code], stdin=pipe, stdout=pipe, stderr=pipe, env=env)


def prestart() -> None:
    """Start a reading process ahead of need, so the next read does not wait for Python and its readers."""
    global _spare
    with _spare_lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _started()


def _reader() -> subprocess.Popen:
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
    return child if child is not None and child.poll() is None else _started()


def isolated_tables(data: bytes, kind: str, where: str, limits: Limits) -> list[tuple[str, pa.Table]]:
    """The sheets of a file as tables of text, read in a child process under `limits`."""
    import pyarrow as pa

    job = json.dumps({"kind": kind, "where": where, "limits": limits.__dict__}).encode() + b"\n"
    child = _reader()
    try:
        stdout, stderr = child.communicate(job + data, timeout=limits.seconds)
    except subprocess.TimeoutExpired as error:
        child.kill()
        child.communicate()
        raise RefusedFile(Problem("file_read_timeout", where, params={"seconds": int(limits.seconds)})) from error
    finally:
        prestart()
    head, _, body = stdout.partition(b"\n")
    if child.returncode != 0 or not head:
        raise RefusedFile(_failure(stderr, child.returncode, limits, where))
    answer = json.loads(head)
    if not answer["ok"]:
        raise RefusedFile(Problem(answer["code"], answer["sheet"], answer["row"], params=answer["params"]))
    tables, offset = [], 0
    for name, size in zip(answer["sheets"], answer["sizes"], strict=True):
        tables.append((name, pa.ipc.open_stream(pa.py_buffer(body[offset : offset + size])).read_all()))
        offset += size
    return tables


if __name__ == "__main__":
    child_main()
