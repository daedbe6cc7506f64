"""Ranking for knowledge weaving, free of Django.

Pure functions and small classes over plain records (``records.py``): the
Django adapter in ``practica.weaving.index`` turns a community's threads,
replies and people into these records, and the evaluation harness does the
same from a Stack Exchange dump, so both rank with exactly the same code.
"""
