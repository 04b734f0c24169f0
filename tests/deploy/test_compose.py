"""docker-compose.yml parses and wires the stack: no engine here, so the file is checked."""

from __future__ import annotations

from pathlib import Path

import yaml

from klyngepakke.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_services_images_ports_and_health_checks():
    services = compose()["services"]
    assert {
        "postgresql",
        "temporal",
        "temporal-setup",
        "temporal-ui",
        "worker",
        "render-worker",
        "web",
        "codec",
        "mailcatcher",
    } <= services.keys()
    assert services["temporal"]["image"].startswith("temporalio/auto-setup:")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    # The frontend is not published: whoever reaches it can start or signal workflows.
    assert "ports" not in services["temporal"] and services["temporal"]["expose"] == ["7233"]
    ours = ("worker", "render-worker", "web", "codec")
    for name in ("postgresql", "temporal", "temporal-ui", *ours, "mailcatcher"):
        assert "healthcheck" in services[name], name
    assert services["worker"]["command"] == ["klyngepakke", "worker"]
    # Renders scale apart from workflows; both stop on SIGTERM through an init process.
    assert services["render-worker"]["command"] == ["klyngepakke", "render-worker"]
    for name in ("worker", "render-worker"):
        assert services[name]["init"] is True, name
    assert services["web"]["command"] == ["klyngepakke", "web"]
    assert services["codec"]["command"] == ["klyngepakke", "codec"]
    # The UI shows encrypted payloads through the codec service, on the codec's port.
    codec_port = services["codec"]["environment"]["KLYNGEPAKKE_CODEC_PORT"]
    assert services["worker"]["expose"] == [
        services["worker"]["environment"]["KLYNGEPAKKE_METRICS_PORT"]
    ]
    assert services["temporal-ui"]["environment"]["TEMPORAL_CODEC_ENDPOINT"].endswith(
        f":{codec_port}}}"
    )
    assert f"{codec_port}:{codec_port}" in services["codec"]["ports"][0]
    # The UI is behind KiAP's login and hands its access token to the codec, which checks it.
    ui = services["temporal-ui"]["environment"]
    assert ui["TEMPORAL_AUTH_ENABLED"] == "true"
    assert ui["TEMPORAL_AUTH_PROVIDER_URL"].startswith("${OIDC_ISSUER")
    assert ui["TEMPORAL_CODEC_PASS_ACCESS_TOKEN"] == "true"
    # No disk is shared (each service may run on a machine of its own): documents, uploads
    # and the outbox are in the project's own database, which every one of them is given and
    # waits for.
    urls = {services[name]["environment"]["KLYNGEPAKKE_DATABASE_URL"] for name in ours}
    assert len(urls) == 1 and next(iter(urls)).startswith("postgresql://klyngepakke:")
    assert next(iter(urls)).endswith("@postgresql:5432/klyngepakke")
    for name in ("worker", "render-worker", "web"):
        # The one thing mounted: Temporal's client certificate, read-only.
        (volume,) = services[name]["volumes"]
        assert volume.startswith("${TEMPORAL_CERTS_DIR:?") and volume.endswith(":/certs:ro")
        assert "klyngepakke-db-setup" in services[name]["depends_on"], name
    setup = services["klyngepakke-db-setup"]["command"][0]
    assert "CREATE DATABASE klyngepakke OWNER klyngepakke" in setup


def test_every_service_of_ours_gets_every_setting_the_settings_object_reads():
    services = compose()["services"]
    for name in ("worker", "render-worker", "web", "codec"):
        env = services[name]["environment"]
        missing = [f for f in Settings.model_fields if f"KLYNGEPAKKE_{f.upper()}" not in env]
        assert missing == [], name
    env = services["worker"]["environment"]
    # Workers and web sign and check the same links with the same secret.
    web = compose()["services"]["web"]["environment"]
    assert web["KLYNGEPAKKE_SURVEY_SECRET"] == env["KLYNGEPAKKE_SURVEY_SECRET"]
    # Everything that talks to Temporal encrypts and decrypts with the same keys.
    for name in ("web", "codec"):
        service = compose()["services"][name]["environment"]
        assert service["KLYNGEPAKKE_PAYLOAD_KEYS"] == env["KLYNGEPAKKE_PAYLOAD_KEYS"], name
        # The codec trusts the workbench's session cookie: signed with the same secret.
        assert service["KLYNGEPAKKE_SESSION_SECRET"] == env["KLYNGEPAKKE_SESSION_SECRET"], name
        assert service["KLYNGEPAKKE_OIDC_ISSUER"].startswith("${OIDC_ISSUER:?"), name


def test_the_search_attributes_registered_in_production_match_the_code():
    from workflows import search_attributes

    command = compose()["services"]["temporal-setup"]["command"][0]
    for key in search_attributes.ALL:
        assert f"{key.name}=" in command


def test_an_empty_optional_setting_counts_as_unset(monkeypatch):
    monkeypatch.setenv("KLYNGEPAKKE_TEMPORAL_TLS_CERT", "")
    monkeypatch.setenv("KLYNGEPAKKE_METRICS_PORT", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.temporal_tls_cert is None and settings.metrics_port is None


def test_the_image_holds_every_package_the_project_installs():
    import tomllib

    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]:
        package = pattern.rstrip("*")
        assert f"COPY {package} {package}" in dockerfile, package
    assert "libreoffice" in dockerfile  # handouts and practice sheets are PDFs in production


def test_the_stack_starts_nothing_without_its_secrets_and_publishes_no_mail_catcher():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    services = compose()["services"]
    # Every password, key, secret and the certificates must be given: no default to fall back on.
    import re

    # (`$${...}` is the shell's own variable inside a command, not compose's.)
    names = r"(?<!\$)\$\{([A-Z_]*(?:PASSWORD|SECRET|KEYS|CERTS_DIR)[A-Z_]*)"
    for name in re.findall(names, text):
        assert re.search(rf"\$\{{{name}:?\?", text), name
        assert not re.search(rf"\$\{{{name}:-", text), name
    # Mail goes to KiAP's relay, encrypted; the catcher only with --profile dev, never published.
    env = services["worker"]["environment"]
    assert env["KLYNGEPAKKE_SMTP_HOST"].startswith("${SMTP_HOST:?")
    assert env["KLYNGEPAKKE_SMTP_STARTTLS"] == "${SMTP_STARTTLS:-true}"
    catcher = services["mailcatcher"]
    assert catcher["profiles"] == ["dev"] and "ports" not in catcher
    # Development switches are off in production.
    assert env["KLYNGEPAKKE_DEV_STACK"] == env["KLYNGEPAKKE_DEV_TIME_SCALE"] == "false"


def test_temporals_frontend_asks_every_client_for_a_certificate():
    services = compose()["services"]
    temporal = services["temporal"]["environment"]
    assert temporal["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    assert temporal["TEMPORAL_TLS_FRONTEND_CERT"].startswith("/certs/")
    for name in ("worker", "render-worker", "web"):
        env = services[name]["environment"]
        assert env["KLYNGEPAKKE_TEMPORAL_TLS_CERT"].endswith("/certs/client.pem}"), name
        assert env["KLYNGEPAKKE_TEMPORAL_TLS_CA"].endswith("/certs/ca.pem}"), name
    for name in ("temporal-ui", "temporal-setup"):
        assert services[name]["environment"]["TEMPORAL_TLS_CERT"] == "/certs/client.pem", name
    # The frontend and the database sit on the backend network alone; the web app reaches
    # them there with the client's certificate, people reach it on the public one.
    for name in ("temporal", "postgresql", "worker", "render-worker"):
        assert services[name]["networks"] == ["backend"], name
    assert services["web"]["networks"] == ["backend", "public"]
    assert services["codec"]["networks"] == ["public"]


def test_the_namespace_keeps_closed_histories_as_long_as_the_setting_says():
    """auto-setup creates the namespace with a day's retention; the one-shot set-up sets the
    project's own on every start (client/namespace_setup.py says why)."""
    services = compose()["services"]
    setup = services["temporal-setup"]
    env = setup["environment"]
    assert env["KLYNGEPAKKE_HISTORY_RETENTION_DAYS"] == "${KLYNGEPAKKE_HISTORY_RETENTION_DAYS:-90}"
    assert (
        env["TEMPORAL_NAMESPACE"]
        == services["worker"]["environment"]["KLYNGEPAKKE_TEMPORAL_NAMESPACE"]
    )
    command = setup["command"][0]
    assert command.startswith(
        'temporal operator namespace update --namespace "$${TEMPORAL_NAMESPACE}"'
    )
    assert '--retention "$$(( $${KLYNGEPAKKE_HISTORY_RETENTION_DAYS} * 24 ))h" &&' in command
    assert Settings().history_retention_days == 90
