import pytest

from tests.personas import ALL_PERSONAS


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_every_persona_reads_me_with_its_own_role_and_organization(personas, name):
    persona = personas[name]
    response = persona.api().get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == persona.membership.role
    assert body["organization"] == persona.organization.slug
