"""Gongkai: China's government information-disclosure annual reports as open data."""

EXTRACTOR_VERSION = "0.1.0"
