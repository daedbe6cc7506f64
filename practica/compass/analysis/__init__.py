"""The compass's figures as pure functions over arrays and an igraph graph.

Nothing in this package imports Django: the adapter (``practica.compass.adapter``)
turns the database into an :class:`~practica.compass.analysis.activity.Activity`,
and everything here reads that. Randomness always comes from an explicit seed.
"""
