"""tracker: a terminal dashboard for following one developing news story."""

__version__ = "0.1.0"
