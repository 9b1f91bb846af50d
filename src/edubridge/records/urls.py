from django.urls import path

from edubridge.records import views

urlpatterns = [
    path("xapi/about", views.about, name="xapi-about"),
    path("xapi/statements", views.statements, name="xapi-statements"),
]
