"""xAPI requests take a shorter way through the node than people's pages do."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, URLResolver
from django.urls.resolvers import RegexPattern
from django.utils.cache import patch_vary_headers

from edubridge.records.urls import xapi_urlpatterns

PREFIX = "/xapi/"


class XapiMiddleware:
    """Serves /xapi/ without the middleware after this one, which is for people's pages:
    sessions, languages, CSRF, sign-in, messages, frames and htmx. An xAPI tool signs in
    with HTTP Basic on every request and reads JSON, and that middleware took a fifth of
    the CPU time of a single POST. The middleware before this one (security headers, the
    size limit, static files, gzip) applies to xAPI as to pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.resolver = URLResolver(RegexPattern(f"^{PREFIX}"), xapi_urlpatterns)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(PREFIX):
            try:
                match = self.resolver.resolve(request.path_info)
            except Resolver404:  # not an xAPI resource: the pages' 404
                return self.get_response(request)
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks for pages
            request.resolver_match = match
            response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            if not response.streaming and not response.has_header("Content-Length"):
                response.headers["Content-Length"] = str(len(response.content))
            patch_vary_headers(response, ("Accept-Language",))  # format=canonical reads it
            return response
        return self.get_response(request)
