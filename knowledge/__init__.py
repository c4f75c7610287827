"""The consultation's documents: curated texts with metadata, and ingestion of new ones."""
