# A project that exists to be loaded by Django's MigrationLoader and compared with godwit.
SECRET_KEY = "godwit-oracle"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "library", "lending"]
DATABASES = {}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
