"""The case file's alarms as the clerk sees them in the real window (issue 12): a case file that
does not match its witness, or that `cases verify` found altered, stops recording with the
"本机暂停记档" message from the start; the platform's 409 is a tamper alarm in the status bar."""
from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QLabel, QPushButton
from reference_platform.fixtures import memory_keyring, online  # noqa: F401 - fixtures
from ui_fixtures import (
    KNOWN,
    choose_item,
    close_window,
    open_window,
    record,
    scan,
    stored_records,
    widget,
)

from desktop.app.cli import main
from desktop.site import paths

ITEM = KNOWN["item_with_measures"]


def cli_record(capsys, n: int) -> None:
    assert main(["check", KNOWN["black"], "--item", ITEM, "--record", "--case-no", f"BJ-{n}",
                 "--outcome", "rejected", "--json"]) == 0
    capsys.readouterr()


def three_records_then(capsys, *edits: str) -> None:
    """Three checks recorded from the command line, then the case file edited behind the desk."""
    for n in range(3):
        cli_record(capsys, n)
    with sqlite3.connect(paths.case_file()) as conn:
        for sql in edits:
            conn.execute(sql)
    conn.close()


def assert_recording_stopped(qtbot, window, before: int) -> None:
    message = widget(window, "formMessage", QLabel)
    button = widget(window, "recordButton", QPushButton)
    qtbot.waitUntil(lambda: "本机暂停记档" in message.text(), timeout=10_000)
    assert not button.isEnabled()
    # A new check keeps the message and the refusal; Ctrl+Enter writes nothing.
    choose_item(qtbot, window, "CZ-001")
    scan(qtbot, window, KNOWN["black"])
    assert "本机暂停记档" in message.text() and not button.isEnabled()
    record(qtbot, window)
    assert len(stored_records()) == before


def test_a_case_file_shorter_than_its_witness_stops_recording_from_the_start(qtbot, capsys,
                                                                             desk_env):
    # The newest record vanished with its feedback (a -wal deleted, an older copy put back).
    three_records_then(capsys, "DELETE FROM outbox WHERE record_id = 3",
                       "DELETE FROM records WHERE record_id = 3")
    window = open_window(qtbot)
    try:
        assert_recording_stopped(qtbot, window, 2)
        assert "见证" in widget(window, "formMessage", QLabel).text()
    finally:
        close_window(window)


def test_a_case_file_verify_found_altered_stops_recording_from_the_start(qtbot, capsys, desk_env):
    three_records_then(capsys,
                       "UPDATE records SET body = replace(body, 'BJ-1', 'BJ-X') WHERE record_id = 2")
    assert main(["cases", "verify"]) == 6
    capsys.readouterr()
    window = open_window(qtbot)
    try:
        assert_recording_stopped(qtbot, window, 3)
        assert "记录 2" in widget(window, "formMessage", QLabel).text()
    finally:
        close_window(window)


def test_the_platforms_409_is_a_tamper_alarm_in_the_status_bar(qtbot, capsys, online):
    """The case file and its witness wiped together leave no local trace; the platform holds
    record 1 as first uploaded and answers the new record 1 with 409."""
    for n in range(2):
        cli_record(capsys, n)
    assert main(["outbox", "flush"]) == 0
    for name in ("cases.sqlite", "cases.witness"):
        (paths.home() / name).unlink()
    cli_record(capsys, 9)  # a fresh chain: record 1 again
    window = open_window(qtbot)  # uploads at start
    try:
        bar = window.statusBar()
        qtbot.waitUntil(lambda: "篡改警报" in bar.currentMessage(), timeout=15_000)
        assert "记录 1" in bar.currentMessage()
        assert len(online.platform.feedback) == 2  # the platform kept what it had
    finally:
        close_window(window)


def test_a_record_changed_since_it_was_written_is_held_back_with_an_alarm(qtbot, capsys, online):
    """The window's upload builds each message from the record's body: a record that no longer
    hashes to what was written is not sent, and the status bar says so."""
    for n in range(2):
        cli_record(capsys, n)
    with sqlite3.connect(paths.case_file()) as conn:
        conn.execute("UPDATE records SET body = replace(body, '\"BJ-1\"', '\"BJ-X\"') "
                     "WHERE record_id = 2")
    conn.close()
    window = open_window(qtbot)  # uploads at start
    try:
        bar = window.statusBar()
        qtbot.waitUntil(lambda: "篡改警报" in bar.currentMessage(), timeout=15_000)
        assert "记录 2 已不是写入时的内容" in bar.currentMessage()
        assert [f["record_no"] for f in online.platform.feedback.values()] == [1]
    finally:
        close_window(window)


def test_while_recording_is_stopped_the_window_shows_no_persons(qtbot, capsys, desk_env):
    """Recording stopped stops access records too, as at the command line: a unit whose check
    would show its legal representative and principal is not shown, the message says why, and
    no access record is added; a unit without people is still checked."""
    from desktop.ui.widgets.status_badge import StatusBadge

    for n in range(2):
        cli_record(capsys, n)
    with sqlite3.connect(paths.case_file()) as conn:
        conn.execute("DELETE FROM outbox WHERE record_id = 2")
        conn.execute("DELETE FROM records WHERE record_id = 2")
        before = conn.execute("SELECT count(*) FROM access").fetchone()[0]
    conn.close()
    window = open_window(qtbot)
    try:
        message = widget(window, "formMessage", QLabel)
        badge = widget(window, "statusBadge", StatusBadge)
        choose_item(qtbot, window, "CZ-001")
        scan(qtbot, window, KNOWN["black"])
        qtbot.waitUntil(lambda: "也不能查询自然人" in message.text(), timeout=10_000)
        assert badge.state == "idle"  # nothing shown of the unit or its people
        scan(qtbot, window, KNOWN["clear"][0])
        qtbot.waitUntil(lambda: badge.state not in ("idle", "checking"), timeout=10_000)
        assert "本机暂停记档" in message.text()
    finally:
        close_window(window)
    with sqlite3.connect(paths.case_file()) as conn:
        assert conn.execute("SELECT count(*) FROM access").fetchone()[0] == before
    conn.close()
