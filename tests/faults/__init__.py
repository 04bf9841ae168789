"""Faults of the service itself: killed servers and workers, shutdowns, concurrent writers."""
