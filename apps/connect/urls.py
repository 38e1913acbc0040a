from django.urls import path

from apps.connect import views

app_name = "connect"

urlpatterns = [
    path("odoo/", views.odoo_settings, name="odoo"),
    path("odoo/warehouses/", views.odoo_warehouses, name="warehouses"),
    path("odoo/webhooks/", views.odoo_webhook_rules, name="webhooks"),
    path("odoo/first-sync/", views.odoo_first_sync, name="first-sync"),
]
