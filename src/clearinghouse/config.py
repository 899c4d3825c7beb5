"""Configuration read from the environment, in one place.

Every value comes from an environment variable (or, for secrets, from a file named by
``NAME_FILE``). A malformed value stops start-up with a message naming the variable: a
typo in production must never fall back silently to a default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigurationError(Exception):
    """An environment variable holds a value the platform cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ConfigurationError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path | None, *, must_exist: bool = False) -> Path | None:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    path = Path(raw).expanduser().resolve()
    if must_exist and not path.exists():
        raise ConfigurationError(f"{name}={raw!r}: no such file")
    return path


def data_dir() -> Path:
    """The folder that holds the embedded database, the secrets of a development
    deployment and, later, the file vault."""
    raw = os.environ.get("CLEARINGHOUSE_DATA_DIR")
    if raw is not None and not raw.strip():
        raise ConfigurationError("CLEARINGHOUSE_DATA_DIR is set but empty")
    if raw:
        path = Path(raw).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "clearinghouse"
    path = path.resolve()
    if path.exists() and not path.is_dir():
        raise ConfigurationError(f"CLEARINGHOUSE_DATA_DIR={str(path)!r} is not a directory")
    return path


def secret(name: str, *, data_dir: Path, generate: bool, nbytes: int = 32) -> str:
    """A secret from ``NAME``, or the file named by ``NAME_FILE``.

    When neither is set and ``generate`` is true (development and demo deployments), a
    random secret is created once in the data directory and reused, so that sessions and
    encrypted fields survive restarts. In production (``generate`` false) a missing
    secret is a configuration error.
    """
    if name in os.environ and f"{name}_FILE" in os.environ:
        raise ConfigurationError(f"set {name} or {name}_FILE, not both")
    if value := os.environ.get(name):
        return value
    if file_name := os.environ.get(f"{name}_FILE"):
        try:
            value = Path(file_name).read_text().strip()
        except OSError as error:
            raise ConfigurationError(f"{name}_FILE={file_name!r}: {error.strerror}") from None
        if not value:
            raise ConfigurationError(f"{name}_FILE={file_name!r} is empty")
        return value
    if not generate:
        raise ConfigurationError(f"{name} (or {name}_FILE) must be set in production")
    path = data_dir / "secrets" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written aside, then linked into place: two processes starting at once agree on
        # one secret, and nobody ever reads a half-written file.
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
