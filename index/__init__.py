"""Chunks, embeddings, the hybrid FAISS + BM25 index, and the cited-answer pipeline built on them."""
