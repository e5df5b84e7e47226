"""Gaoxin (高新): the platform on which a high-tech zone plans and runs its public services and parks."""

__version__ = "0.1.0"
