"""Permission matrix cases of the speech routes. Speeches are meeting documents read by every
logged-in user (docs/decisions/0004-speech-visibility.md); uploading, reviewing and confirming are
for dispatchers and admins. No unit ownership is involved: "own" and "other" are the same kind of
target (a fresh speech)."""

from __future__ import annotations

import datetime as dt

from diaodu.core.audit import Actor
from tests.support.matrix import Case, Target, everyone, org_editors

SETUP = Actor.system("matrix-setup")
TEXT = ("在全市重点工作推进会上的讲话\n一、抓好项目建设\n"
        "市发改委要在10月31日前完成全市重点项目年度计划调整，全年固定资产投资增长10%以上。\n")


def _speech(session, reviewed: bool = False):
    from diaodu.speech import service as svc

    session.info["actor"] = SETUP
    speech = svc.create_speech(session, SETUP, text=TEXT, meeting_date=dt.date(2026, 7, 1), title="矩阵测试讲话")
    if reviewed:
        svc.save_review(session, SETUP, speech.id, speech.extraction, speech.version)
    return speech


def _new_speech(session, ownership):
    return Target(body={"text": TEXT, "meeting_date": "2026-07-01"})


def _speech_target(session, ownership):
    return Target(path={"speech_id": _speech(session).id})


def _review_target(session, ownership):
    speech = _speech(session)
    return Target(path={"speech_id": speech.id}, body={"version": speech.version, "extraction": speech.extraction})


def _confirm_target(session, ownership):
    speech = _speech(session, reviewed=True)
    return Target(path={"speech_id": speech.id}, body={"version": speech.version})


def _list_check(response, role, ownership, session):
    assert response.json(), "every logged-in user lists the speeches"


def _confirm_check(response, role, ownership, session):
    assert response.json()["result"]["created"], "confirm creates ledger tasks"


CASES: list[Case] = [
    Case("POST", "/api/v1/speeches", _new_speech, org_editors(201)),
    Case("GET", "/api/v1/speeches", _speech_target, everyone(), check=_list_check),
    Case("GET", "/api/v1/speeches/{speech_id}", _speech_target, everyone()),
    Case("PUT", "/api/v1/speeches/{speech_id}/review", _review_target, org_editors(200)),
    Case("POST", "/api/v1/speeches/{speech_id}/confirm", _confirm_target, org_editors(200), check=_confirm_check),
]
