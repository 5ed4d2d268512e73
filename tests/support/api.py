"""Helpers for API tests: log in as a demo user and send CSRF headers."""

from __future__ import annotations

from diaodu.core.demo import DEMO_PASSWORD


class Session:
    def __init__(self, client, username: str, password: str = DEMO_PASSWORD):
        from fastapi.testclient import TestClient

        self.client = TestClient(client.app)
        response = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        self.me = response.json()
        self.headers = {"X-CSRF-Token": self.me["csrf_token"]}

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def request(self, method: str, url: str, **kw):
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)

    def patch(self, url, **kw):
        return self.request("PATCH", url, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)
