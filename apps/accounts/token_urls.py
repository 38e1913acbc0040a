from django.urls import path

from apps.accounts import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.tokens_page, name="index"),
    path("<int:token_id>/revoke/", token_views.token_revoke, name="revoke"),
]
