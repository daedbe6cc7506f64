"""Practica: a self-hostable home for communities of practice."""

__version__ = "0.1.0"
