#!/usr/bin/env python
"""The example site's ``manage.py`` (run from examples/: ``python django_support/manage.py``)."""

import os
import sys
from pathlib import Path


def main() -> None:
    """Django's command line, with this example's settings."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_support.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
