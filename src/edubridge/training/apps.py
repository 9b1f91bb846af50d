from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "edubridge.training"
    verbose_name = "Training"
