from django.urls import path

from apps.writeback.api import views

urlpatterns = [
    path("writeback/outbox/", views.OutboxEntryListApi.as_view(), name="writeback-outbox-list"),
    path("writeback/outbox/<int:entry_id>/", views.OutboxEntryDetailApi.as_view(), name="writeback-outbox-detail"),
    path("writeback/outbox/<int:entry_id>/retry/", views.OutboxEntryRetryApi.as_view(), name="writeback-outbox-retry"),
    path(
        "writeback/outbox/<int:entry_id>/cancel/", views.OutboxEntryCancelApi.as_view(), name="writeback-outbox-cancel"
    ),
]
