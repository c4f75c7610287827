"""The officials' dashboard: signed-in pages with charts, breakdowns, exports and a printable report."""
