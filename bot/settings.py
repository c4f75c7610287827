"""Every setting in one place: environment variables prefixed CONSULT_ (or a .env file), with embedded defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import AnswerPolicy, IndexConfig
from index.embedding import DEFAULT_MODEL
from index.fusion import Fusion
from knowledge.corpus import default_corpus_dir


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSULT_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default=Path("data"), description="Where everything generated lives (index, databases).")
    corpus_dir: Path = Field(default_factory=default_corpus_dir, description="The consultation's documents.")
    log_format: Literal["console", "json"] = "console"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    embedding_model: str = Field(default=DEFAULT_MODEL, description="Any sentence-transformers model name or path.")
    index_auto_build: bool = Field(default=True, description="Build a missing or stale index at start.")
    hnsw_threshold: int = Field(
        default=20_000, ge=1, description="Chunks from which FAISS uses HNSW, not exact search."
    )
    fusion: Fusion = Fusion.BLEND
    dense_weight: float = Field(default=0.6, ge=0, le=1)
    report_online_url: str | None = Field(default=None, description="Where residents report non-urgent crime online.")

    def index_config(self) -> IndexConfig:
        return IndexConfig(
            corpus_dir=self.corpus_dir,
            index_dir=self.data_dir / "index",
            model_name=self.embedding_model,
            hnsw_threshold=self.hnsw_threshold,
            fusion=self.fusion,
            dense_weight=self.dense_weight,
            auto_build=self.index_auto_build,
            policy=AnswerPolicy(report_online_url=self.report_online_url),
        )
