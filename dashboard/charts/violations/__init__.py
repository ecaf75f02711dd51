"""The charts of /violations, one module each."""
