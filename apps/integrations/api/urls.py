from django.urls import path

from apps.integrations.api import views

urlpatterns = [
    path("webhooks/subscriptions/", views.SubscriptionListApi.as_view(), name="webhook-api-subscriptions"),
    path(
        "webhooks/subscriptions/<int:subscription_id>/",
        views.SubscriptionDetailApi.as_view(),
        name="webhook-api-subscription",
    ),
    path(
        "webhooks/subscriptions/<int:subscription_id>/rotate-secret/",
        views.SubscriptionRotateSecretApi.as_view(),
        name="webhook-api-rotate-secret",
    ),
    path(
        "webhooks/subscriptions/<int:subscription_id>/test/",
        views.SubscriptionTestApi.as_view(),
        name="webhook-api-test",
    ),
    path(
        "webhooks/subscriptions/<int:subscription_id>/deliveries/",
        views.SubscriptionDeliveryListApi.as_view(),
        name="webhook-api-subscription-deliveries",
    ),
    path("webhooks/deliveries/", views.DeliveryListApi.as_view(), name="webhook-api-deliveries"),
    path(
        "webhooks/deliveries/<int:delivery_id>/replay/",
        views.DeliveryReplayApi.as_view(),
        name="webhook-api-replay",
    ),
]
