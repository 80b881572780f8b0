"""GET /api/v1/audit, and what API writes leave in the audit log (with their request id)."""

from __future__ import annotations

from tandem.core.models import AuditEntry


def test_an_api_write_records_the_callers_request_id(personas, api_as):
    response = api_as("admin").patch("/api/v1/organization", {"name": "Acme 2", "version": 1},
                                      **{"X-Request-ID": "trace-0123456789"})

    assert response["X-Request-ID"] == "trace-0123456789"
    entry = AuditEntry.objects.get(action="organization.rename")
    assert entry.request_id == "trace-0123456789"
    assert entry.actor == personas.admin.user


def test_without_a_request_id_the_entry_carries_the_one_the_response_announces(personas, api_as):
    response = api_as("admin").post("/api/v1/members", {"email": "n@acme.test", "role": "member"})

    entry = AuditEntry.objects.get(action="membership.create")
    assert len(entry.request_id) == 32
    assert response["X-Request-ID"] == entry.request_id


def test_an_unsafe_request_id_is_replaced(personas, api_as):
    response = api_as("admin").patch("/api/v1/organization", {"name": "Acme 2", "version": 1},
                                      **{"X-Request-ID": "<script>alert(1)</script>"})

    entry = AuditEntry.objects.get(action="organization.rename")
    assert entry.request_id == response["X-Request-ID"] != "<script>alert(1)</script>"


def test_the_audit_log_lists_newest_first_with_the_changes(personas, api_as):
    admin = api_as("admin")
    admin.patch("/api/v1/organization", {"name": "Acme 2", "version": 1})
    admin.patch("/api/v1/organization", {"name": "Acme 3", "version": 2})

    items = admin.get("/api/v1/audit?action=organization.rename").json()["items"]

    assert [item["changes"] for item in items] == [
        {"name": ["Acme 2", "Acme 3"]},
        {"name": ["Acme Delivery", "Acme 2"]},
    ]
    assert items[0]["actor_id"] == personas.admin.user.pk
    assert items[0]["actor_label"] == "admin@acme.test"
    assert items[0]["object_type"] == "core.organization"


def test_the_audit_log_filters_by_object(personas, api_as):
    admin = api_as("admin")
    member, finance = personas.member.membership, personas.finance.membership
    admin.patch(f"/api/v1/members/{member.pk}", {"version": 1, "role": "executive"})
    admin.patch(f"/api/v1/members/{finance.pk}", {"version": 1, "role": "executive"})
    admin.patch(f"/api/v1/members/{member.pk}", {"version": 2, "is_active": False})

    body = admin.get(f"/api/v1/audit?object_type=core.membership&object_id={member.pk}").json()

    assert body["count"] == 2
    assert {item["object_id"] for item in body["items"]} == {str(member.pk)}
    assert [item["changes"] for item in body["items"]] == [
        {"is_active": [True, False]},
        {"role": ["member", "executive"]},
    ]


def test_the_audit_log_cannot_be_changed_through_the_api(personas, api_as):
    admin = api_as("admin")
    admin.patch("/api/v1/organization", {"name": "Acme 2", "version": 1})
    entry = AuditEntry.objects.get(action="organization.rename")

    for method in ("post", "put", "patch", "delete"):
        response = getattr(admin, method)("/api/v1/audit")
        assert response.status_code == 405
    assert admin.delete(f"/api/v1/audit/{entry.pk}").status_code == 404
    assert AuditEntry.objects.get(pk=entry.pk).changes == {"name": ["Acme Delivery", "Acme 2"]}
