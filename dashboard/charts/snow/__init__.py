"""The charts of /snow, one module each."""
