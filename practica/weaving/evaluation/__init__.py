"""Measuring weaving against plain baselines on real Stack Exchange dumps."""
