#!/usr/bin/env python
"""Django's command-line utility; `ancrage` is the same thing once installed."""

from ancrage.__main__ import main

if __name__ == "__main__":
    main()
