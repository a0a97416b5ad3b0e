"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
application = get_wsgi_application()

# What the process loaded to start (Django, the apps, the URL table, the settings: long-lived)
# is left out of the garbage collector's passes from now on: a full pass then walks a request's
# objects only, not every object of the process, and stops lengthening the slowest requests
# (bench/RESULTS.md, issue 19). Frozen objects are never collected; nothing loaded here dies.
gc.freeze()
