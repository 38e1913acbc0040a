from django.apps import AppConfig


class DocksConfig(AppConfig):
    name = "apps.docks"
    verbose_name = "Dock schedule"
