from django.urls import path

from edubridge.governance import consent_views, views

urlpatterns = [
    path("data-map/", views.data_map, name="data-map"),
    path("governance/jurisdictions/", views.jurisdictions, name="jurisdictions"),
    path("governance/agreements/", views.agreements, name="agreements"),
    path("governance/agreements/new/", views.agreement_new, name="agreement-new"),
    path("governance/agreements/<int:pk>/", views.agreement, name="agreement"),
    path("governance/agreements/<int:pk>/sign/", views.agreement_sign, name="agreement-sign"),
    path("governance/agreements/<int:pk>/revoke/", views.agreement_revoke, name="agreement-revoke"),
    path("governance/transfers/", views.transfers, name="transfers"),
    path("governance/bias/", views.bias_audits, name="bias-audits"),
    path("governance/audit/", views.audit_log, name="audit-log"),
    path("consent/", consent_views.my_consents, name="consents"),
    path("consent/guardian/<str:token>/", consent_views.guardian_consent, name="guardian-consent"),
    path("governance/bias/<int:pk>/", views.bias_audit, name="bias-audit"),
]
