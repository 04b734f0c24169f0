"""The one settings object, read once from the environment (prefix KLYNGEPAKKE_) or .env.

Values only: it imports nothing of the project, and nothing below the composition root reads
it. klyngepakke/bootstrap.py builds the stores, the catalog, the mail and the Temporal
connection from these values and passes them down."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TASK_QUEUE = "klyngepakke"


class Settings(BaseSettings):
    # Empty variables count as unset: the compose file lists every setting, most as optional.
    model_config = SettingsConfigDict(
        env_prefix="KLYNGEPAKKE_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_tls_cert: Path | None = Field(
        default=None, description="Client certificate (PEM) for mTLS, e.g. Temporal Cloud"
    )
    temporal_tls_key: Path | None = Field(default=None, description="Its private key (PEM)")
    temporal_tls_ca: Path | None = Field(
        default=None, description="CA that signed the server's certificate, if not public"
    )
    temporal_tls_server_name: str | None = Field(
        default=None, description="The name in the frontend's certificate, if not its host"
    )
    temporal_api_key: str | None = Field(
        default=None, description="Temporal Cloud API key (instead of a client certificate)"
    )
    metrics_port: int | None = Field(
        default=None, description="The worker's Prometheus metrics on this port (/metrics)"
    )
    task_queue: str = TASK_QUEUE
    catalog_dir: Path = Field(
        default=PROJECT_ROOT / "catalog",
        description="The cluster packages, courses and the coordinator's year (a folder KiAP "
        "may keep outside the code); workers, web app and CLI read the same one",
    )
    render_slots: int = Field(
        default=2,
        ge=1,
        description="Renders one render worker runs at once (its threads and its activity "
        "slots alike); about one per core",
    )
    uno_python: str | None = Field(
        default=None,
        description="A Python that can import LibreOffice's uno, for the render worker's "
        "long-lived LibreOffice (unoserver); found on its own if unset",
    )
    database_url: str | None = Field(
        default=None,
        description="The project's own PostgreSQL (postgresql://…): documents, uploads and the "
        "mail outbox, shared by every machine; folders and SQLite under var_dir if unset",
    )
    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="State of the embedded stack")
    ui_port: int = 8233
    history_retention_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="How long Temporal keeps a closed order's history (the namespace's "
        "retention): set on the namespace by the dev stack and the compose file's "
        "temporal-setup; Temporal Cloud allows at most 90 (README.md, 'Retention')",
    )
    temporal_ui_url: str | None = Field(
        default=None,
        description="The Temporal UI as KiAP's staff reach it (links in their mails); "
        "http://localhost:<ui_port> if unset",
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = Field(default=False, description="STARTTLS after connecting (587)")
    smtp_tls: bool = Field(default=False, description="Implicit TLS from the start (465)")
    mail_from: str = "klynger@kiap.dk"
    default_consultant_name: str = "KiAP klyngekonsulent"
    default_consultant_email: str = "klynger@kiap.dk"
    log_format: str = Field(default="console", description="console or json")
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    dev_stack: bool = Field(
        default=False,
        description="The embedded development stack (klyngepakke dev) on plain "
        "http://localhost: a local OpenID provider over http and a staff cookie without "
        "Secure. Never set it in production",
    )
    dev_time_scale: bool = Field(
        default=False,
        description="Development only (klyngepakke dev): the order form offers compressed "
        "time (one planned day in a few seconds) for a demo. Never set it in production",
    )
    public_base_url: str = Field(
        default="http://localhost:8000", description="Where members reach the survey form"
    )
    survey_secret: str | None = Field(
        default=None,
        description="Signs survey and upload links and draws practice labels; a local one"
        " under var/ if unset",
    )

    payload_keys: str | None = Field(
        default=None,
        description="Payload encryption keys 'id:base64,id:base64' (first encrypts); else the"
        " key file",
    )
    payload_key_file: Path | None = Field(
        default=None,
        description="JSON key file {active, keys}; var/payload-keys.json (created) if unset",
    )
    web_limit_per_token: str = Field(
        default="20/minute;120/hour", description="POSTs per link token"
    )
    web_limit_per_address: str = Field(
        default="300/minute", description="Requests per client address"
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="KiAP's OpenID Connect provider (e.g. Microsoft Entra ID); the staff "
        "pages are closed without it",
    )
    oidc_client_id: str = Field(default="klyngepakke", description="This app's client id there")
    oidc_dev_port: int = Field(
        default=9400,
        description="klyngepakke dev: the local OpenID provider's port (when no issuer is set)",
    )
    oidc_client_secret: str | None = Field(default=None, description="Its client secret")
    staff_roles_claim: str = Field(
        default="roles", description="The ID-token claim that lists konsulent and/or drift"
    )
    staff_konsulenter: str = Field(
        default="", description="Consultants by their provider id (sub), comma-separated"
    )
    staff_drift: str = Field(
        default="", description="Operations staff by their provider id (sub), comma-separated"
    )
    staff_by_region: str = Field(
        default="",
        description="Who gets a new order's tasks, per region: 'Nordjylland=<sub>:<navn>, …' "
        "(none: nobody until a consultant takes them)",
    )
    session_secret: str | None = Field(
        default=None,
        description="Signs the staff session cookie; one created under var/ if unset",
    )
    session_hours: float = Field(default=8, gt=0, le=24, description="A staff login lasts this")
    trusted_proxies: str = Field(
        default="",
        description="Addresses of reverse proxies whose X-Forwarded-For is believed "
        "(comma-separated); empty: the client address is the peer's own",
    )
    codec_port: int = Field(default=8081, description="The codec endpoint for the Temporal UI")
    codec_origins: str = Field(
        default="http://localhost:8233,http://127.0.0.1:8233",
        description="Origins (the Temporal UI) allowed to call the codec endpoint",
    )

    @property
    def codec_endpoint(self) -> str:
        return f"http://localhost:{self.codec_port}"

    @property
    def artifact_dir(self) -> Path:
        return self.var_dir / "artifacts"

    @property
    def upload_dir(self) -> Path:
        """Files people upload (the job centre's extract), kept apart from rendered documents."""
        return self.var_dir / "uploads"

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    @property
    def temporal_ui(self) -> str:
        return self.temporal_ui_url or f"http://localhost:{self.ui_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
