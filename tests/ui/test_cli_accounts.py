"""`upright-admin demo` names the demo's sign-ins; `upright-admin reset-password` is the way back
in when the owner forgets theirs."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from cli_helpers import run
from studio.db import open_database
from studio.services import accounts


def sign_in(path, staff_id, password):
    db = open_database(path)
    try:
        with db.session_factory.begin() as s:
            return accounts.sign_in(s, staff_id, password, now=datetime.now(timezone.utc))
    finally:
        db.close()


def test_the_demo_prints_every_role_and_its_password(tmp_path, capsys):
    code, out, _ = run(capsys, "demo", "--database", str(tmp_path / "studio.sqlite"))
    assert code == 0
    for line in ("Helen Marsh (Owner): owner-demo", "Tomás Ferreira (Trainer): trainer-demo",
                 "Grace Okafor (Front desk): desk-demo"):  # fmt: skip
        assert f"  {line}\n" in out
    assert sign_in(tmp_path / "studio.sqlite", 1, "owner-demo").person.name == "Helen Marsh"


def test_reset_password_lists_the_staff_then_resets_one(demo_file, capsys, monkeypatch):
    code, out, _ = run(capsys, "reset-password", "--database", str(demo_file))
    assert code == 0 and "    1  Helen Marsh (Owner, has a password)" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("Back-In-Again-77\n"))
    code, out, _ = run(capsys, "reset-password", "1", "--database", str(demo_file))
    assert code == 0 and "Password reset for Helen Marsh (Owner)" in out
    attempt = sign_in(demo_file, 1, "Back-In-Again-77")
    assert attempt.signed_in and attempt.must_change
    assert not sign_in(demo_file, 1, "owner-demo").signed_in


def test_reset_password_refuses_a_weak_one_and_an_unknown_number(demo_file, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "reset-password", "2", "--database", str(demo_file))
    assert code == 1 and "at least 8 characters" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("Good-Enough-123\n"))
    code, _, err = run(capsys, "reset-password", "99", "--database", str(demo_file))
    assert code == 1 and "staff member" in err
    assert sign_in(demo_file, 2, "trainer-demo").signed_in
