"""URLs of the review pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("clients/<id:client_id>/summary/", views.client_summary, name="client_summary"),
    path("clients/<id:client_id>/summary.pdf", views.client_summary_pdf, name="client_summary_pdf"),
    path("clients/<id:client_id>/charts/<slug:chart_key>.svg", views.chart_image, name="chart_image"),
    path("clients/<id:client_id>/sessions/", views.client_sessions, name="client_sessions"),
    path("clients/<id:client_id>/sessions/next/", views.client_next_session, name="client_next_session"),
]
urlpatterns += [
    path("clients/<id:client_id>/timeline/", views.client_timeline, name="client_timeline"),
]
urlpatterns += [
    path("caseload/insight/", views.caseload_insight, name="caseload_insight"),
]
urlpatterns += [
    path("practice/review-settings/", views.review_settings, name="review_settings"),
]
urlpatterns += [
    path("sessions/<id:pk>/delete/", views.session_delete, name="session_delete"),
]
