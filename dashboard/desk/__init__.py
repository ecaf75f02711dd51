"""The data desk behind /data: uploads kept in a spool beside the warehouse (``uploads``), the validation
preview (``preview``: the same sniff report as ``kpi sniff``), one background load queue (``jobs``), and the
mappings a clerk saves for an unknown variant (``mappings``). No Dash here: the page calls these functions."""
