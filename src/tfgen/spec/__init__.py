"""The spec stage: YAML with positions, environment overlays, the pydantic model and its rules."""
