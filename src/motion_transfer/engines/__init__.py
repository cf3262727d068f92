"""Engines: every one takes the same ``Request`` and preflight ``Report`` and returns the same ``Result``."""
