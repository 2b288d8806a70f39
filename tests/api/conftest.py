"""Calling the API as a program would (the network it reads is tests/network.py)."""


def csrf(client):
    answer = client.get("/api/v1/csrf-token")
    assert answer.status_code == 200
    return answer.json["csrf_token"]


def post_movement(client, slug, body, token=None, headers=None, **kwargs):
    headers = {**({"X-CSRFToken": token} if token else {}), **(headers or {})}
    return client.post(f"/api/v1/sites/{slug}/movements", json=body, headers=headers, **kwargs)
