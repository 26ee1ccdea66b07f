"""The demo shop has no views: it exists for its models and migrations."""

urlpatterns = []
