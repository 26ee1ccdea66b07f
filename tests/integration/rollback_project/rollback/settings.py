# A project whose release godwit plans and Django then rolls back (tests/integration/rollback_oracle.py).
import os

SECRET_KEY = "godwit-rollback"
INSTALLED_APPS = ["inventory", "billing", "crm", "audit"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["ROLLBACK_DB"]}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
