from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "apps.sites"
    label = "ct_sites"  # "sites" is taken by django.contrib.sites
    verbose_name = "Warehouse sites"
