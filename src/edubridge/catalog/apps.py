from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "edubridge.catalog"
    verbose_name = _("Resource catalog")

    def ready(self) -> None:
        # Connects the receiver that logs deleted resources for the search index.
        from edubridge.catalog import search  # noqa: F401
