"""Where tracker's files live, and why there.

The config is ./feeds.toml when the current directory has one (a folder per story, as the
repository ships, and as `tracker init` writes it), else the user's config directory
(platformdirs: $XDG_CONFIG_HOME/tracker/feeds.toml on Linux), for a story followed from
anywhere (`tracker init --config` puts one there). The database, digests and log sit beside
the config unless set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "feeds.toml"
LOG_NAME = "tracker.log"


def user_config_dir() -> Path:
    # Imported here: platformdirs costs an import on every command, and only this needs it.
    import platformdirs

    return Path(platformdirs.user_config_dir("tracker", appauthor=False))


def find_config(given: str | Path | None, new: bool = False) -> tuple[Path, str]:
    """-> (path of feeds.toml, where that choice came from). The file may not exist yet.
    new: for a file to be made (`tracker init`), which goes where the user stands, as
    `git init` and `cargo init` do, not into a directory they may not know of."""
    if given:
        return Path(given), "--config"
    here = Path(CONFIG_NAME)
    if here.is_file() or new:
        return here, "the current directory"
    return user_config_dir() / CONFIG_NAME, "the user config directory (no ./feeds.toml here)"


def default_database(config_path: Path) -> Path:
    # Must agree with model.Config.database_path, which applies once the config is loaded.
    return config_path.parent / "data" / "tracker.db"


def log_file(database: Path) -> Path:
    return database.parent / LOG_NAME


def digests_dir(database: Path) -> Path:
    """Where digests go by default: beside the database in use (--db included)."""
    return database.parent / "digests"


@dataclass(frozen=True)
class Located:
    path: Path
    source: str


@dataclass(frozen=True)
class Paths:
    config: Located
    database: Located
    digests: Located
    log: Located


def resolve(config_given: str | Path | None, db_given: str | Path | None = None,
            config=None) -> Paths:
    """Every file tracker uses. `config` is the loaded Config when there is one (its
    `database` key wins over the default); without it the defaults are shown."""
    path, source = find_config(config_given)
    if db_given:
        db = Located(Path(db_given), "--db")
    elif config is not None and config.database is not None:
        db = Located(config.database, "`database` in the config")
    else:
        db = Located(default_database(path), "beside the config (data/tracker.db)")
    return Paths(
        config=Located(path, source),
        database=db,
        digests=Located(digests_dir(db.path), "beside the database"),
        log=Located(log_file(db.path), "beside the database (tracker daemon; --log changes it)"),
    )
