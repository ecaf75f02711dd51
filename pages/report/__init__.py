"""/report — the year's work-report figures: the table (``table``), its page (``page``), its XLSX/PDF export."""

from pages.report.page import PAGE

__all__ = ["PAGE"]
