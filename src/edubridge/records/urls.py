from django.urls import path

from edubridge.records import views, xapi

urlpatterns = [
    path("records/", views.statements, name="lrs-statements"),
    path("records/clients/", views.clients, name="lrs-clients"),
    path(
        "records/clients/<str:key>/deactivate/",
        views.client_deactivate,
        name="lrs-client-deactivate",
    ),
    path("xapi/about", xapi.about, name="xapi-about"),
    path("xapi/statements", xapi.statements, name="xapi-statements"),
    path("xapi/activities/state", xapi.state, name="xapi-state"),
    path("xapi/activities/profile", xapi.activity_profile, name="xapi-activity-profile"),
    path("xapi/activities", xapi.activities, name="xapi-activities"),
    path("xapi/agents/profile", xapi.agent_profile, name="xapi-agent-profile"),
    path("xapi/agents", xapi.agents, name="xapi-agents"),
]
