#!/usr/bin/env python
"""Django's command-line utility; ``practica`` is the same thing, installed."""

from practica.cli import main

if __name__ == "__main__":
    main()
