"""The root URL configuration: each app's URLs, allauth's sign-in pages, and the error handlers."""

from django.urls import include, path
from django.views.generic import RedirectView

from carryover.accounts.views import sign_out

urlpatterns = [
    # allauth.usersessions' own page: the account page lists devices and signs the others out instead.
    path("accounts/sessions/", RedirectView.as_view(pattern_name="profile"), name="usersessions_list"),
    # Sign-out also clears the device's copies of pages and kept answers (Clear-Site-Data, lib/devicecache.py).
    path("accounts/logout/", sign_out, name="account_logout"),
    path("accounts/", include("allauth.urls")),
    path("practice/audit/", include("carryover.audit.urls")),
    path("", include("carryover.accounts.urls")),
    path("", include("carryover.homework.urls")),
    path("", include("carryover.measures.urls")),
    path("", include("carryover.reminders.urls")),
    path("", include("carryover.review.urls")),
    path("", include("carryover.progress.urls")),
    path("", include("carryover.together.urls")),
    path("", include("carryover.api.urls")),
    path("", include("carryover.support.urls")),
    path("", include("carryover.records.urls")),
]

handler400 = "carryover.lib.errors.bad_request"
handler403 = "carryover.lib.errors.permission_denied"
handler404 = "carryover.lib.errors.page_not_found"
handler500 = "carryover.lib.errors.server_error"
