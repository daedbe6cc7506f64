"""The search index is not a Django model: it is an FTS5 table on SQLite and a
table with a generated tsvector on PostgreSQL, created and kept up to date by
``practica.search.backends`` (see its docstring). This module exists so that
Django sends this app ``post_migrate``, after which the index's triggers are
checked (a SQLite table rebuild by another app's migration drops them).
"""
