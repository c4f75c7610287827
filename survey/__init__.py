"""Residents' priority survey: its definition, the answers store, aggregated results and the officials' dashboard."""
