"""The user-facing error and the exit codes: the bottom layer, imported by the CLI and by whoever
raises an error the user must fix (connect); it imports nothing of the package."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
#: Ctrl-C: 128 + SIGINT, as a shell reports it
EXIT_INTERRUPTED = 130
#: SIGTERM (kill, a service manager stopping the command): 128 + SIGTERM
EXIT_TERMINATED = 143
#: the reader of our standard output went away (``lsnrmine sql ... | head``): 128 + SIGPIPE, as a
#: shell reports a command killed by it
EXIT_BROKEN_PIPE = 141


class UserError(Exception):
    """An error with a one-line message for the user (exit code 2 unless given)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code
