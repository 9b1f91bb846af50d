"""Content-Security-Policy: pages load scripts, styles and images from this node only."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
