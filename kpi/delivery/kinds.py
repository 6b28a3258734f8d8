"""What a file is by its bytes (xlsx, ods, xls, text), and the name its problems are placed under."""

from __future__ import annotations

import io
import os
import zipfile

EXTENSION_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "text", ".txt": "text"}


def detected_kind(data: bytes) -> str:
    """What the bytes are, by their content: xlsx, ods, xls, encrypted, text or unknown."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "unknown"
        if "mimetype" in names and "content.xml" in names:
            return "ods"
        return "xlsx" if "[Content_Types].xml" in names else "unknown"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An encrypted xlsx is an OLE container holding an "EncryptedPackage" stream (UTF-16 name).
        return "encrypted" if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000] else "xls"
    head = data[:65536]
    if b"\x00" in head:
        return "unknown"
    printable = sum(b >= 32 or b in b"\r\n\t" for b in head)
    return "text" if printable >= 0.95 * len(head) else "unknown"


def place_name(filename: str) -> str:
    """What a CSV file's problems are placed under: its name without the extension."""
    return os.path.splitext(os.path.basename(filename))[0] or "csv"
