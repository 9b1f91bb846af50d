from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edubridge.governance.registry import Level, inventory


def data_map(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    rows = [r for r in inventory() if not level or (r.level and r.level.value == level)]
    return render(
        request,
        "governance/data_map.html",
        {"rows": rows, "levels": list(Level), "level": level},
    )
