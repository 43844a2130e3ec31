"""The exercises of notebook 02, building the engine."""
