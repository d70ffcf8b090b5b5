"""Ceasefire-violation event dataset builder."""

__version__ = "0.1.0"
