"""Hourly typical-year weather for any site in China (files or bundled statistics)."""
