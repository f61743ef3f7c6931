"""URLs of the support pages: the client's under /me/support/, the support person's under /supporting/, the
therapist's beside the client's page."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/support/", views.support_settings, name="support_settings"),
    path("me/support/<id:pk>/", views.support_link, name="support_link"),
    path("me/support/<id:pk>/preview/", views.support_preview, name="support_preview"),
    path("me/support/<id:pk>/pause/", views.support_pause, name="support_pause"),
    path("me/support/<id:pk>/remove/", views.support_remove, name="support_remove"),
    path("me/support/<id:pk>/invite/", views.support_send_invitation, name="support_send_invitation"),
    path("me/support/<id:pk>/entry/", views.support_share_entry, name="support_share_entry"),
    path("supporting/", views.support_home, name="support_home"),
    path("supporting/worried/", views.support_worried, name="support_worried"),
    path("supporting/<id:pk>/", views.supporting, name="supporting"),
    path("supporting/<id:pk>/accept/", views.support_accept, name="support_accept"),
    path("clients/<id:client_id>/support/", views.client_support, name="client_support"),
    path("support/guardians/<id:pk>/resend/", views.guardian_resend, name="guardian_resend"),
    path("support/guardians/<id:pk>/remove/", views.guardian_remove, name="guardian_remove"),
]
