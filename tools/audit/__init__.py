"""The dependency audit behind `make audit` (docs/security.md)."""
