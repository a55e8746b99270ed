"""Coffee shop: from raw till orders to a daily sales model and a weekly report."""

__version__ = "0.1.0"
