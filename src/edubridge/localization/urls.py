from django.urls import path

from edubridge.localization import views

P = "l10n/projects/<uuid:identifier>/"

urlpatterns = [
    path("l10n/", views.project_list, name="l10n"),
    path("l10n/new/", views.project_new, name="l10n-new"),
    path(P, views.project, name="l10n-project"),
    path(P + "stages/<int:stage_id>/", views.stage_plan, name="l10n-stage"),
    path(P + "advance/", views.advance, name="l10n-advance"),
    path(P + "realign/", views.realignment, name="l10n-realign"),
    path(P + "realign/<int:mapping_id>/", views.decide, name="l10n-decide"),
    path(P + "translate/", views.editor, name="l10n-editor"),
    path(P + "units/<int:unit_id>/", views.save_unit, name="l10n-unit"),
    path(P + "units/<int:unit_id>/check/", views.unit_check, name="l10n-unit-check"),
    path(P + "units/<int:unit_id>/machine/", views.machine, name="l10n-unit-machine"),
    path(P + "review/", views.review, name="l10n-review"),
    path(P + "review/rescan/", views.rescan, name="l10n-rescan"),
    path(P + "findings/<int:finding_id>/", views.resolve, name="l10n-resolve"),
    path(P + "export.<str:fmt>", views.export, name="l10n-export"),
    path(P + "import/", views.import_file, name="l10n-import"),
    path(P + "sign-off/", views.sign, name="l10n-signoff"),
    path(P + "report/", views.report, name="l10n-report"),
    path(P + "report.json", views.report_json, name="l10n-report-json"),
    path("l10n/glossary/<slug:slug>/", views.glossary, name="l10n-glossary"),
    path("l10n/memory/<slug:slug>/", views.memory_page, name="l10n-memory"),
    path(
        "l10n/memory/<slug:slug>/<str:source>/<str:target>.tmx",
        views.memory_export,
        name="l10n-memory-export",
    ),
]
