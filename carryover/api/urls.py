"""The API (`/api/v1/`) and the account page's token management."""

from django.urls import path, re_path

from . import views
from .v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/", views.api_not_found, name="api_not_found"),  # problem+json, not the HTML page
    path("profile/api-tokens/", views.tokens, name="api_tokens"),
    path("profile/api-tokens/<id:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("practice/webhooks/", views.webhooks_page, name="webhooks"),
    path("practice/webhooks/<id:pk>/", views.webhook_detail, name="webhook_detail"),
    path("practice/webhooks/<id:pk>/remove/", views.webhook_remove, name="webhook_remove"),
]
