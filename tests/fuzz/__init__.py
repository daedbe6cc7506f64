"""API fuzzing with schemathesis (``make fuzz``)."""
