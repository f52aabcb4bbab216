"""Park twin: plan zero-carbon pathways for Chinese industrial and business parks."""

__version__ = "0.1.0"
