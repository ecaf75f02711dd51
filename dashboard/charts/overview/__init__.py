"""The charts and tiles of the overview (/), one module each."""
