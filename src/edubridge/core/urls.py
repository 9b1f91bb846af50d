from django.contrib.auth import views as auth_views
from django.urls import path

from edubridge.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("orgs/<slug:slug>/", views.organisation, name="organisation"),
    path("orgs/<slug:slug>/edit/", views.edit_organisation, name="organisation-edit"),
    path("orgs/<slug:slug>/members/", views.add_member, name="member-add"),
    path("members/<int:membership_id>/", views.change_member, name="member-change"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="token-revoke"),
]
