"""Data that is not a school delivery: the demo set and open data."""
