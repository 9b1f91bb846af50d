from django.urls import path

from edubridge.standards import views

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/import/", views.framework_import, name="framework-import"),
    path("frameworks/<str:identifier>/", views.framework_detail, name="framework"),
    path("crosswalks/", views.crosswalk_list, name="crosswalks"),
    path("crosswalks/new/", views.crosswalk_new, name="crosswalk-new"),
    path("crosswalks/<int:pk>/", views.crosswalk_review, name="crosswalk"),
    path(
        "crosswalks/<int:pk>/links/<int:link_id>/", views.crosswalk_decide, name="crosswalk-decide"
    ),
    path("crosswalks/<int:pk>/pick/", views.crosswalk_pick, name="crosswalk-pick"),
    path("crosswalks/<int:pk>/sign/", views.crosswalk_sign, name="crosswalk-sign"),
    path("crosswalks/<int:pk>/coverage/", views.crosswalk_coverage, name="crosswalk-coverage"),
    path("crosswalks/<int:pk>/case.json", views.crosswalk_export, name="crosswalk-export"),
]
