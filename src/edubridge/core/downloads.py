"""Files to download: those partners and participants uploaded, served so they never run in
the node's origin (always an attachment, in a CSP sandbox, with no type sniffing), and the
CSV exports of tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

from django.http import FileResponse, HttpResponse


def sandboxed(handle: IO[bytes], filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_attachment(filename: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    """Rows as a CSV file to download, UTF-8, header first."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(header)
    out.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
