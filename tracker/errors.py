"""One exception tree, so the CLI and the TUI can turn any of them into a message."""


class TrackerError(Exception):
    """Base of every error tracker reports to a user (never as a traceback)."""


class ConfigError(TrackerError):
    """feeds.toml is missing or wrong; the message names the file, line and key."""

    def __init__(self, path, message: str, line: int | None = None, key: str | None = None):
        self.path, self.line, self.key, self.reason = path, line, key, message
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")


class StoreError(TrackerError):
    """The database cannot be opened or written; the message says what to do."""


class FeedError(TrackerError):
    """One feed could not be fetched or parsed. Recorded against that feed only."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
