"""SQLite for local development, accepting the PostgreSQL-only concurrent index operations.

`AddIndexConcurrently` and `RemoveIndexConcurrently` call the schema editor with
`concurrently=True`, which only PostgreSQL's editor accepts. SQLite has no concurrent
index builds (and no concurrent writers to protect), so the index is built the ordinary way.
"""
from django.db.backends.sqlite3 import base, schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def add_index(self, model, index, concurrently=False):
        super().add_index(model, index)

    def remove_index(self, model, index, concurrently=False):
        super().remove_index(model, index)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
