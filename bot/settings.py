"""Every setting in one place: environment variables prefixed CONSULT_ (or a .env file), with embedded defaults.

Settings are plain data: building them, and every method here, reads no other file, writes nothing and runs nothing.
What needs work (the development pepper, the survey file, finding Python 3.10) is done by whoever needs it."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.rasa_env import PROJECT_ROOT, RasaFiles
from index.config import AnswerPolicy, IndexConfig
from index.embedding import DEFAULT_MODEL
from index.fusion import Fusion
from knowledge.corpus import default_corpus_dir
from survey.config import SurveyConfig
from survey.definition import SurveyDefinition, default_definition_path
from survey.pseudonyms import PepperError, check_pepper, development_pepper


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

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in the data dir.")
    pepper: SecretStr | None = Field(default=None, description="Secret for respondent pseudonyms (>= 32 bytes).")
    survey_file: Path = Field(default_factory=default_definition_path, description="The survey definition (YAML).")
    host: str = Field(default="127.0.0.1", description="Address the web application listens on.")
    web_port: int = Field(default=8000, ge=1, le=65535)
    rasa_port: int = Field(default=5005, ge=1, le=65535, description="Rasa, always on 127.0.0.1.")
    actions_port: int = Field(default=5055, ge=1, le=65535, description="The action server, always on 127.0.0.1.")
    rasa_token: SecretStr | None = Field(default=None, description="Rasa HTTP API token (default: random per start).")
    rasa_venv: Path = Field(default_factory=lambda: PROJECT_ROOT / ".venv-rasa")
    rasa_python: str | None = Field(
        default=None, description="Python 3.10 for the Rasa environment (default: found when the environment is made)."
    )
    tracker_store_url: str | None = Field(default=None, description="Rasa's tracker store; default SQLite in data/.")
    lock_store_url: str | None = Field(
        default=None, description="Redis for Rasa's lock store (needed for several Rasas)."
    )
    rasa_instances: int = Field(default=1, ge=1, le=8, description="Rasa + action server pairs behind the web app.")

    public_url: str | None = Field(default=None, description="Public address of the web application (for links).")
    telegram_token: SecretStr | None = Field(default=None, description="Bot token; without it no Telegram relay.")
    telegram_api_url: str | None = Field(default=None, description="Another Bot API server (tests, local server).")
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_url: str | None = Field(default=None, description="Public HTTPS URL Telegram posts updates to.")
    telegram_webhook_secret: SecretStr | None = Field(default=None, description="Required in webhook mode.")
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)

    widget_origins: str = Field(default="", description="Comma-separated origins allowed to embed the chat widget.")
    chat_session_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    chat_limit_session: str = Field(default="30/minute", description="Messages allowed per chat session.")
    chat_limit_address: str = Field(default="120/minute", description="Requests allowed per client address.")
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="Reverse proxies whose X-Forwarded-For gives the client address (comma-separated IPs, or *).",
    )

    dashboard_session_hours: float = Field(default=8.0, gt=0, le=24 * 7)
    sign_in_limit: str = Field(default="5/15minutes", description="Failed sign-ins allowed per name and address.")

    def index_config(self, consultation: SurveyDefinition | None) -> IndexConfig:
        """The consultation (its survey file, loaded by the caller) gives the pre-election period answers respect: one
        place for consultation dates. None where no answer is given (building the index, its status)."""
        return IndexConfig(
            corpus_dir=self.corpus_dir,
            index_dir=self.data_dir / "index",
            model_name=self.embedding_model,
            hnsw_threshold=self.hnsw_threshold,
            fusion=self.fusion,
            dense_weight=self.dense_weight,
            auto_build=self.index_auto_build,
            policy=self._answer_policy(consultation),
        )

    def _answer_policy(self, consultation: SurveyDefinition | None) -> AnswerPolicy:
        period = consultation.election_period if consultation else None
        return AnswerPolicy(
            report_online_url=self.report_online_url,
            election_period=(period.start, period.end) if period else None,
            election_pointer=period.pointer if period else "",
        )

    def survey_config(self) -> SurveyConfig:
        pepper = self.resolved_pepper()
        return SurveyConfig(
            database_url=self.database_url or f"sqlite:///{self.data_dir.resolve() / 'consult.db'}",
            pepper=pepper,
            definition_path=self.survey_file,
            # One secret to manage: the session key is derived from the pepper.
            session_secret=hmac.new(pepper, b"dashboard-session", hashlib.sha256).hexdigest(),
            session_hours=self.dashboard_session_hours,
            sign_in_limit=self.sign_in_limit,
            themes_dir=(self.data_dir / "themes").resolve(),
        )

    def resolved_pepper(self) -> bytes:
        """CONSULT_PEPPER, checked. Production refuses to start without it; in development and tests `consult` sets
        a random one kept in the data directory (with_development_pepper)."""
        if self.pepper is not None:
            return check_pepper(self.pepper.get_secret_value().encode())
        if self.environment == "production":
            raise PepperError("CONSULT_PEPPER is not set: it is required in production")
        raise PepperError("CONSULT_PEPPER is not set (outside production `consult` keeps one in the data directory)")

    def rasa_files(self) -> RasaFiles:
        return RasaFiles(venv=self.rasa_venv, python=self.rasa_python, data_dir=(self.data_dir / "rasa").resolve())

    def resolved_tracker_store_url(self) -> str:
        """Rasa's tracker store (which erasure and retention also clean): the configured one, or SQLite in data/."""
        return self.tracker_store_url or f"sqlite:///{self.rasa_files().trackers}"

    @property
    def rasa_url(self) -> str:
        return self.rasa_urls[0]

    @property
    def rasa_urls(self) -> list[str]:
        """Each Rasa instance is on the next port up; instance i calls the action server on actions_port + i."""
        return [f"http://127.0.0.1:{self.rasa_port + i}" for i in range(self.rasa_instances)]

    @property
    def widget_origin_list(self) -> list[str]:
        """The origins allowed to embed the widget (and call the chat API), from CONSULT_WIDGET_ORIGINS."""
        return [origin.strip().rstrip("/") for origin in self.widget_origins.split(",") if origin.strip()]

    def chat_secret(self) -> str:
        return hmac.new(self.resolved_pepper(), b"chat-session", hashlib.sha256).hexdigest()


def with_development_pepper(settings: Settings) -> Settings:
    """Outside production without CONSULT_PEPPER: the settings with a random pepper kept in the data directory (made
    the first time), so pseudonyms stay stable across restarts. Production must set its own."""
    if settings.pepper is not None or settings.environment == "production":
        return settings
    return settings.model_copy(update={"pepper": SecretStr(development_pepper(settings.data_dir).decode())})
