from django.urls import path

from edubridge.records import views

urlpatterns = [
    path("xapi/about", views.about, name="xapi-about"),
    path("xapi/statements", views.statements, name="xapi-statements"),
    path("xapi/activities/state", views.state, name="xapi-state"),
    path("xapi/activities/profile", views.activity_profile, name="xapi-activity-profile"),
    path("xapi/activities", views.activities, name="xapi-activities"),
    path("xapi/agents/profile", views.agent_profile, name="xapi-agent-profile"),
    path("xapi/agents", views.agents, name="xapi-agents"),
]
