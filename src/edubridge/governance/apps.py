from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class GovernanceConfig(AppConfig):
    name = "edubridge.governance"
    verbose_name = "Data governance"

    def ready(self) -> None:
        # Each app classifies its fields in its own data_classification module.
        autodiscover_modules("data_classification")
        # Each app says how to export and erase a person's data in its privacy module.
        autodiscover_modules("privacy")
