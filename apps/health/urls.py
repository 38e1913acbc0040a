from django.urls import path

from apps.health import views

app_name = "health"

urlpatterns = [
    path("integration/", views.integration, name="integration"),
    path("integration/outbox/pause/", views.outbox_pause_view, name="outbox_pause"),
    path("integration/outbox/resume/", views.outbox_resume_view, name="outbox_resume"),
]
