from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "carryover.homework"
    label = "homework"
