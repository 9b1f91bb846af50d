"""Content-Security-Policy (pages load scripts, styles and images from this node only), and
the request size limit."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from edubridge.problems import problem

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
# The OpenAPI docs page is Django Ninja's own and loads its Swagger UI inline.
RELAXED_PATHS = ("/api/v1/docs",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(RELAXED_PATHS):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a body larger than any upload this node accepts, before a byte of it is read.

    Django streams file uploads to disk, so without this a 2 GB upload would fill the disk
    before any view could say no.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = max(settings.UPLOAD_MAX_BYTES, settings.PACKAGE_MAX_BYTES) + 1_000_000
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdecimal() or int(declared) > limit:
            return problem(
                request,
                413,
                f"The request body is larger than this node accepts ({limit // 1_000_000} MB).",
                code="too-large",
            )
        return self.get_response(request)
