from django.urls import path

from apps.integrations import views

app_name = "integrations"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("subscriptions/<int:subscription_id>/test/", views.subscription_test, name="test"),
    path("subscriptions/<int:subscription_id>/toggle/", views.subscription_toggle, name="toggle"),
    path("subscriptions/<int:subscription_id>/rotate/", views.subscription_rotate, name="rotate"),
    path("deliveries/<int:delivery_id>/replay/", views.delivery_replay_view, name="replay"),
]
