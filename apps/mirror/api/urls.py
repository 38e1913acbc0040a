from django.urls import path

from apps.mirror.api import views

urlpatterns = [
    path("hooks/odoo/<str:secret>/", views.OdooWebhookView.as_view(), name="odoo-webhook"),
    path("integration/sync/", views.SyncStatusView.as_view(), name="sync-status"),
]
