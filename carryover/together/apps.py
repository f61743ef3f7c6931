"""The review-together app, which plugs its links, panels, summary sections and insight tables into the others."""

from django.apps import AppConfig


class TogetherConfig(AppConfig):
    """The review conversation, "what we agreed" and the confidence check."""

    name = "carryover.together"
    label = "together"

    def ready(self) -> None:
        from . import hooks  # the review and homework apps' models and pages must be loaded first

        hooks.register()
