"""Loopback servers for the reminder tests (no database, no network beyond 127.0.0.1)."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@dataclass
class WebhookReceiver:
    url: str
    requests: list = field(default_factory=list)
    # Scripted responses, consumed one per request; afterwards ``default`` is used.
    script: list = field(default_factory=list)
    default: tuple = (200, {"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def webhook():
    state: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            recv: WebhookReceiver = state["recv"]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urllib.parse.urlsplit(self.path)
            recv.requests.append({
                "path": parts.path,
                "query": dict(urllib.parse.parse_qsl(parts.query)),
                "raw_query": parts.query,
                "headers": dict(self.headers),
                "json": json.loads(raw.decode("utf-8")),
            })
            status, body = recv.script.pop(0) if recv.script else recv.default
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    state["recv"] = WebhookReceiver(url=f"http://{host}:{port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["recv"]
    finally:
        server.shutdown()
        server.server_close()
