from django.contrib import admin
from django.urls import include, path

from edubridge.api import api
from edubridge.core import views as core_views
from edubridge.records.urls import xapi_urlpatterns
from edubridge.standards import case_api

admin.site.site_header = "EduBridge"
admin.site.site_title = "EduBridge"

urlpatterns = [
    path("xapi/", include(xapi_urlpatterns)),
    path("", include("edubridge.core.urls")),
    path("", include("edubridge.governance.urls")),
    path("", include("edubridge.standards.urls")),
    path("", include("edubridge.catalog.urls")),
    path("", include("edubridge.learning.urls")),
    path("", include("edubridge.records.urls")),
    path("", include("edubridge.training.urls")),
    path("", include("edubridge.localization.urls")),
    path("api/v1/", api.urls),
    path("ims/case/v1p1/", include((case_api.urls("1.1"), "case-v1p1"))),
    path("ims/case/v1p0/", include((case_api.urls("1.0"), "case-v1p0"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", core_views.admin_login),
    path("admin/", admin.site.urls),
]
