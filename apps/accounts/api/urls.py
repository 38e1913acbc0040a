from django.urls import path

from apps.accounts.api import views

urlpatterns = [
    path("tokens/", views.ApiTokenListApi.as_view(), name="api-token-list"),
    path("tokens/<int:token_id>/revoke/", views.ApiTokenRevokeApi.as_view(), name="api-token-revoke"),
]
