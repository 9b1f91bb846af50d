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
]

# Under /xapi/, first in the node's URLs: these take most requests (an xAPI tool reports
# every answer), and were matched after some sixty patterns of the pages.
xapi_urlpatterns = [
    path("about", xapi.about, name="xapi-about"),
    path("statements", xapi.statements, name="xapi-statements"),
    path("activities/state", xapi.state, name="xapi-state"),
    path("activities/profile", xapi.activity_profile, name="xapi-activity-profile"),
    path("activities", xapi.activities, name="xapi-activities"),
    path("agents/profile", xapi.agent_profile, name="xapi-agent-profile"),
    path("agents", xapi.agents, name="xapi-agents"),
]
