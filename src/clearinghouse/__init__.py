"""Clearinghouse: the programs of a child-protection clearinghouse, end to end."""

__version__ = "0.1.0"
