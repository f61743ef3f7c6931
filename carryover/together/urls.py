"""URLs of the review conversation and the client's confidence check."""

from django.urls import path

from . import views

urlpatterns = [
    path("clients/<id:client_id>/review-together/", views.start, name="together_start"),
    path("review-together/steps/<id:pk>/", views.step, name="together_step"),
    path("review-together/steps/<id:pk>/change/", views.change, name="together_change"),
    path("review-together/steps/<id:pk>/remove/", views.remove, name="together_remove"),
    path("review-together/<id:pk>/new/", views.new, name="together_new"),
    path("review-together/<id:pk>/finish/", views.finish, name="together_finish"),
    path("review-together/<id:pk>/discard/", views.discard, name="together_discard"),
    path("my/<id:pk>/how-sure/", views.sure, name="together_sure"),
    path("my/<id:pk>/my-way/", views.my_way, name="together_my_way"),
]
