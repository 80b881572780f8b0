"""The AM's contracts: type, value, dates, payment terms, rate cards, billing schedules, the
lifecycle (draft → signed → active → completed / terminated) and amendments with their history.
Signing hands the client's needs to a project and its PM."""
