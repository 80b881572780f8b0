"""Projects and plans for tests, built through the services (so schedules are real)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tandem.core.actor import Actor
from tandem.projects.models import Project, Task
from tandem.projects.services.plan import dependency_create, task_create
from tandem.projects.services.projects import project_create
from tests.personas import Personas

START = dt.date(2026, 3, 2)  # a Monday, clear of Tết


def make_project(personas: Personas, *, code: str = "P-1", client: bool = True,
                 actor: Actor | None = None, **fields: Any) -> Project:
    """A project of the persona client's company managed by the project_manager persona."""
    values: dict[str, Any] = {
        "code": code, "name": f"Project {code}", "start_date": START,
        "manager_id": personas["project_manager"].user.pk,
        "client_id": personas.client_company.pk if client else None,
    }
    values.update(fields)
    return project_create(actor=actor or personas["admin"].actor, **values)


def add_tasks(personas: Personas, project: Project, *durations: int,
              chain: bool = True) -> list[Task]:
    """Tasks with these durations, linked finish-to-start in order when ``chain``."""
    actor = personas["admin"].actor
    tasks = [task_create(actor=actor, project=project, name=f"T{i + 1}", duration=d)
             for i, d in enumerate(durations)]
    if chain:
        for a, b in itertools.pairwise(tasks):
            dependency_create(actor=actor, project=project, predecessor_id=a.pk,
                              successor_id=b.pk)
    for t in tasks:
        t.refresh_from_db()
    return tasks
