from django.apps import AppConfig


class LocalizationConfig(AppConfig):
    name = "edubridge.localization"
    verbose_name = "Localisation"
