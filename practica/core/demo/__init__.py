"""The demo: two invented communities of urban growers, seeded by ``practica demo``."""
