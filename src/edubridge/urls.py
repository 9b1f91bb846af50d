from django.contrib import admin
from django.urls import include, path

from edubridge.api import api
from edubridge.core import views as core_views
from edubridge.governance import views as governance_views

admin.site.site_header = "EduBridge"
admin.site.site_title = "EduBridge"

urlpatterns = [
    path("", include("edubridge.core.urls")),
    path("data-map/", governance_views.data_map, name="data-map"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", core_views.admin_login),
    path("admin/", admin.site.urls),
]
