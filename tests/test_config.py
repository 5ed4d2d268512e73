"""Settings: environment over diaodu.toml over defaults; the secret is generated once and kept."""

from __future__ import annotations

import stat

import pytest

from diaodu.core.config import ensure_secret, load_settings
from tests.support.pg import ThrowawayCluster, _bin_dir, _try


def test_defaults(tmp_path):
    s = load_settings(env={"DIAODU_VAR_DIR": str(tmp_path)}, toml_path=tmp_path / "missing.toml")
    assert s.database_url == f"sqlite:///{(tmp_path / 'diaodu.db').resolve()}"
    assert s.upload_dir == tmp_path / "uploads"
    assert s.session_hours == 12 and s.log_level == "INFO" and s.cookie_secure is None


def test_env_overrides_toml(tmp_path):
    toml = tmp_path / "diaodu.toml"
    toml.write_text('[diaodu]\ndatabase_url = "sqlite:///from-toml.db"\nsession_hours = 2\nlog_level = "DEBUG"\n'
                    'cookie_secure = true\n', encoding="utf-8")
    s = load_settings(env={"DIAODU_LOG_LEVEL": "WARNING"}, toml_path=toml)
    assert s.database_url == "sqlite:///from-toml.db" and s.session_hours == 2.0
    assert s.log_level == "WARNING" and s.cookie_secure is True


def test_secret_generated_once_with_private_mode(tmp_path):
    s = load_settings(env={"DIAODU_VAR_DIR": str(tmp_path)}, toml_path=tmp_path / "x.toml")
    assert s.secret_key == ""
    first = ensure_secret(s)
    assert first.secret_key and stat.S_IMODE(first.secret_file.stat().st_mode) == 0o600
    again = load_settings(env={"DIAODU_VAR_DIR": str(tmp_path)}, toml_path=tmp_path / "x.toml")
    assert again.secret_key == first.secret_key
    assert ensure_secret(again).secret_key == first.secret_key


@pytest.mark.skipif(_bin_dir() is None, reason="no PostgreSQL binaries (initdb) on this machine")
def test_throwaway_cluster_fallback():
    """The path the test command takes on a machine with PostgreSQL binaries but no server."""
    from diaodu.core import migrate

    cluster = ThrowawayCluster()
    try:
        assert _try(cluster.url)
        migrate.upgrade(cluster.url)
        assert "app_user" in migrate.table_names(cluster.url)
    finally:
        cluster.stop()
    assert not _try(cluster.url)
