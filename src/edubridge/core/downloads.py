"""Files that partners and participants uploaded, served so they never run in the node's
origin: always an attachment, in a CSP sandbox, with no type sniffing."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse


def sandboxed(handle: IO[bytes], filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
