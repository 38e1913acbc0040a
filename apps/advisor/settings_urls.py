from django.urls import path

from apps.advisor import views

app_name = "advisor_settings"

urlpatterns = [
    path("", views.settings_page, name="settings"),
]
