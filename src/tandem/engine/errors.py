"""Errors raised by the scheduling engine.

Every error carries a stable ``code`` so that the web adapter, the API and the command line can map
it to an HTTP status, a form error or an exit code in one place, without parsing messages.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises on bad input."""

    code = "engine_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NetworkError(EngineError):
    """The network is malformed: unknown task ids, duplicate ids, bad durations or dependencies."""

    code = "invalid_network"


class CycleError(NetworkError):
    """The dependencies form a cycle; ``tasks`` names the tasks in it, in cycle order."""

    code = "dependency_cycle"

    def __init__(self, tasks: list[str]) -> None:
        self.tasks = list(tasks)
        chain = " -> ".join([*self.tasks, self.tasks[0]]) if self.tasks else "?"
        super().__init__(f"dependency cycle: {chain}")


class CalendarError(EngineError):
    """A calendar is unusable, e.g. it has no working day at all."""

    code = "invalid_calendar"


class FormatError(EngineError):
    """A file could not be read: bad JSON, a malformed PSPLIB or MSPDI file, unsafe XML."""

    code = "invalid_file"


class InfeasibleError(EngineError):
    """No schedule satisfies the hard constraints (e.g. a demand above a resource's capacity)."""

    code = "infeasible"
