"""Reads of the compliance app, by sub-domain (mirroring compliance/services/): selectors never write."""
