#!/usr/bin/env python3
"""Django's command-line utility for the demo shop."""
import importlib.util
import os
import sys
from pathlib import Path


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    if importlib.util.find_spec("django_safemigrate") is None:
        # The orders migrations declare django-safemigrate deploy phases. Without the
        # package installed, a stand-in that only provides the `Safe` marker is used.
        sys.path.append(str(Path(__file__).resolve().parent / "stubs"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
