from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "edubridge.records"
    label = "records"
    verbose_name = "Learning records (xAPI)"
