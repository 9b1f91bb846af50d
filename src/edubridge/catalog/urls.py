from django.urls import path

from edubridge.catalog import oai, views

urlpatterns = [
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/share/", views.share, name="share"),
    path("catalog/import/", views.import_package, name="import-package"),
    path("catalog/<str:identifier>/", views.resource_page, name="resource"),
    path("catalog/<str:identifier>/v<int:number>/<path:path>", views.download, name="download"),
    path("collections/", views.collection_list, name="collections"),
    path("collections/new/", views.collection_edit, name="collection-new"),
    path("collections/<str:identifier>/", views.collection_page, name="collection"),
    path("collections/<str:identifier>/edit/", views.collection_edit, name="collection-edit"),
    path("oai", oai.endpoint, name="oai"),
    path("releases/", views.release_list, name="releases"),
    path("releases/feed.atom", views.feed, name="releases-feed"),
    path("releases/feed/<slug:slug>.atom", views.feed, name="releases-feed-org"),
    path("releases/<str:identifier>/", views.release_page, name="release"),
    path("releases/<str:identifier>/approve/", views.release_approve, name="release-approve"),
]
