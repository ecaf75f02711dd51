"""Demo export generator: realistic exports of every source the dashboard loads (see ``generate_demo``)."""

from etl.demo.generate import generate_demo

__all__ = ["generate_demo"]
