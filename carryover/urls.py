from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("practice/audit/", include("carryover.audit.urls")),
    path("", include("carryover.accounts.urls")),
    path("", include("carryover.homework.urls")),
    path("", include("carryover.measures.urls")),
    path("", include("carryover.reminders.urls")),
    path("", include("carryover.review.urls")),
]

handler400 = "carryover.lib.errors.bad_request"
handler403 = "carryover.lib.errors.permission_denied"
handler404 = "carryover.lib.errors.page_not_found"
handler500 = "carryover.lib.errors.server_error"
