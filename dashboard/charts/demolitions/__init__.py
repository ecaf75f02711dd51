"""The charts of /demolitions, one module each."""
