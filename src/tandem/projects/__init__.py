"""The Project Manager's records: projects and charters, the plan (WBS, dependencies, calendars),
baselines, progress, deliverables and acceptance, the project issue log, and MSPDI/CSV/iCalendar
files. All schedule arithmetic is the engine's (:mod:`tandem.engine`); ``scheduling`` adapts."""
