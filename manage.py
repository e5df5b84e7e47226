#!/usr/bin/env python
"""Same as the `gaoxin` command, for those used to Django's manage.py."""

from gaoxin.site.cli import main

if __name__ == "__main__":
    main()
