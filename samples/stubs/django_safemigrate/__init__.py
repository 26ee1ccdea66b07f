"""Stand-in for django-safemigrate's `Safe` marker, used only when the package is not installed.

It lets the demo migrations that declare `safe = Safe.before_deploy()` (and friends) import;
it enforces nothing. Install django-safemigrate to have `migrate` check the phases.
"""
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional


@dataclass(frozen=True)
class Safe:
    when: str
    delay: Optional[timedelta] = None

    @classmethod
    def before_deploy(cls):
        return cls("before_deploy")

    @classmethod
    def after_deploy(cls, *, delay=None):
        return cls("after_deploy", delay)

    @classmethod
    def always(cls):
        return cls("always")
