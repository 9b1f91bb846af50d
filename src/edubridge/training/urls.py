from django.urls import path

from edubridge.training import credential_views, views

urlpatterns = [
    path("training/", views.dashboard, name="training"),
    path("training/report.<str:fmt>", views.report_export, name="training-report"),
    path("training/programmes/new/", views.programme_new, name="programme-new"),
    path("training/centres/new/", views.centre_new, name="centre-new"),
    path("training/programmes/<uuid:identifier>/", views.programme, name="programme"),
    path(
        "training/programmes/<uuid:identifier>/cascade/",
        views.cascade_report,
        name="programme-cascade",
    ),
    path(
        "training/programmes/<uuid:identifier>/cohorts/new/",
        views.cohort_new,
        name="cohort-new",
    ),
    path("training/cohorts/<uuid:identifier>/", views.cohort, name="cohort"),
    path("training/cohorts/<uuid:identifier>/enrol/", views.enrol_self, name="cohort-enrol"),
    path(
        "training/cohorts/<uuid:identifier>/calendar.ics",
        views.cohort_calendar,
        name="cohort-calendar",
    ),
    path(
        "training/centres/<slug:slug>/calendar.ics",
        views.centre_calendar,
        name="centre-calendar",
    ),
    path(
        "training/workshops/<int:workshop_id>/attendance/",
        views.attendance,
        name="attendance",
    ),
    path("training/enrolments/<int:enrolment_id>/", views.enrolment, name="enrolment"),
    path(
        "training/enrolments/<int:enrolment_id>/withdraw/",
        views.withdraw,
        name="enrolment-withdraw",
    ),
    path("training/evidence/<int:evidence_id>/score/", views.score, name="evidence-score"),
    path("training/evidence/<int:evidence_id>/file", views.evidence_file, name="evidence-file"),
    path("credentials/verify", credential_views.verify_page, name="credential-verify"),
    path(
        "credentials/<uuid:identifier>.<str:fmt>",
        credential_views.credential_download,
        name="credential-download",
    ),
    path(
        "credentials/<uuid:identifier>/revoke/",
        credential_views.credential_revoke,
        name="credential-revoke",
    ),
    path(".well-known/jwks.json", credential_views.jwks, name="jwks"),
    path("orgs/<slug:slug>/did.json", credential_views.did_document, name="org-did"),
    path(
        "orgs/<slug:slug>/credentials/status",
        credential_views.status_list,
        name="credential-status",
    ),
]
