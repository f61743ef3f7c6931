"""ASGI entry point (Carryover is served by gunicorn through `wsgi.py`; this is for ASGI servers)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carryover.settings")
application = get_asgi_application()
