"""URLs of the measures pages."""

from django.urls import path

from . import views

urlpatterns = [
    # Client
    path("measures/do/<id:pk>/", views.measure_do, name="measure_do"),
    path("measures/do/<id:pk>/offline/", views.measure_offline, name="measure_offline"),
    path("support/", views.crisis_support, name="crisis_support"),
    path("support/ask/", views.help_request, name="help_request"),
    path("support/seen/", views.crisis_seen, name="crisis_seen"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    path("measures/mine/", views.my_measures, name="my_measures"),
    # Client (if shared) and care team
    path("measures/chart/<id:client_id>/<slug:measure>.svg", views.chart, name="measure_chart"),
    # Therapist
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<id:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<id:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<id:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("clients/<id:client_id>/measures/", views.client_measures, name="client_measures"),
    path("clients/<id:client_id>/safety-plan/", views.client_safety_plan, name="client_safety_plan"),
    # Practice admin
    path("practice/crisis-resources/stale/", views.crisis_resources_stale, name="crisis_resources_stale"),
    path("practice/safety/", views.safety_settings, name="safety_settings"),
]
