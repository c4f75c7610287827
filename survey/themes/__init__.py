"""Themes of free-text answers: grouped by meaning, labelled by their words, with representative answers."""

from survey.themes.cache import CachedThemes, ThemeCache, cache_key
from survey.themes.compute import find_themes
from survey.themes.model import OTHER, Comment, TextEncoder, Theme, Themes, ThemeSettings, Vectors

__all__ = [
    "OTHER",
    "CachedThemes",
    "Comment",
    "TextEncoder",
    "Theme",
    "ThemeCache",
    "ThemeSettings",
    "Themes",
    "Vectors",
    "cache_key",
    "find_themes",
]
