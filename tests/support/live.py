"""A real server for browser tests: ``diaodu init`` + ``diaodu demo`` + ``diaodu serve`` in a
subprocess over a temporary SQLite database, on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from diaodu.core.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.pop("DIAODU_DATABASE_URL", None)
        env["DIAODU_VAR_DIR"] = str(var_dir)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        self.env = env
        subprocess.run(["diaodu", "init", "--admin-password", DEMO_PASSWORD], env=env, check=True,
                       capture_output=True)
        subprocess.run(["diaodu", "demo"], env=env, check=True, capture_output=True)
        self.log = open(var_dir / "serve.log", "w")
        self.proc = subprocess.Popen(["diaodu", "serve", "--port", str(self.port)], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/login", timeout=2)
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server did not start: {(var_dir / 'serve.log').read_text()[-2000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def field(page, testid: str):
    """The native input of a Quasar field: QInput puts ``data-testid`` on the <input> itself,
    QSelect on its wrapper."""
    return page.locator(f"input[data-testid={testid}], textarea[data-testid={testid}], "
                        f"[data-testid={testid}] input, [data-testid={testid}] textarea").first


def pick(page, testid: str, text: str) -> None:
    """Choose ``text`` in a Quasar select with input (type to filter, click the option)."""
    f = field(page, testid)
    f.click()
    f.fill(text)
    page.locator(".q-menu .q-item", has_text=text).first.click()
