"""What the PM side tells other domains, without importing them: a milestone may have become
billable (it was completed, or a deliverable linked to it was accepted). Billing registers a
callback that creates the invoice drafts of the billing lines waiting for it.

Callbacks run after the transaction commits and receive ids (never model instances), so they
read the committed state and a failure in billing cannot undo the PM's change."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

MilestoneCallback = Callable[[int], None]
_milestone_callbacks: list[MilestoneCallback] = []


def on_milestone_ready(callback: MilestoneCallback) -> MilestoneCallback:
    """Register ``callback(task_id)``; returns it, so it works as a decorator."""
    if callback not in _milestone_callbacks:
        _milestone_callbacks.append(callback)
    return callback


def milestone_may_be_ready(task_id: int) -> None:
    """Tell the registered callbacks once the current transaction commits."""

    def fire() -> None:
        for callback in list(_milestone_callbacks):
            callback(task_id)

    transaction.on_commit(fire)
