"""The API (`/api/v1/`) and the account page's token management."""

from django.urls import path

from . import views
from .v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("profile/api-tokens/", views.tokens, name="api_tokens"),
    path("profile/api-tokens/<id:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
