"""The log file IT reads: it exists after a run, says what happened, and never holds a whole
identity number or the platform secret."""
from __future__ import annotations

import json
import logging

import pytest

from desktop.app.cli import main
from desktop.site import log as applog
from desktop.site.paths import resources

KNOWN = json.loads((resources() / "demo" / "known_codes.json").read_text(encoding="utf-8"))
PERSON = KNOWN["person_black"]


def log_text(home) -> str:
    return (home / "logs" / applog.LOG_NAME).read_text(encoding="utf-8")


def test_a_check_is_logged_with_the_identity_number_masked(desk_env, capsys):
    home, _ = desk_env
    assert main(["check", PERSON, "--item", KNOWN["item_with_measures"], "--offline",
                 "--purpose", "依法履职"]) == 0
    text = log_text(home)
    assert "credit-desk" in text and " check" in text
    assert PERSON not in text
    assert PERSON[:6] + "********" + PERSON[-4:] in text


def test_an_invalid_identity_number_is_masked_too(desk_env, capsys):
    home, _ = desk_env
    mistyped = PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")
    applog.setup()
    logging.getLogger("desktop.test").warning("input %s refused", mistyped)
    applog.close()
    text = log_text(home)
    assert mistyped not in text and mistyped[:6] + "********" in text


@pytest.mark.parametrize("typed", [f"x{PERSON}", f"{PERSON}x", f"ID{PERSON}", f"x{PERSON[:-1]}"])
def test_a_number_with_a_letter_glued_on_is_masked_on_the_terminal_and_in_the_log(
        desk_env, capsys, typed):
    """A stray letter from the scanner or the keyboard used to let the whole number through, in
    the refusal quoting it and in the log (break attempt 18)."""
    home, _ = desk_env
    assert main(["check", typed, "--item", KNOWN["item_with_measures"], "--offline"]) == 2
    err = capsys.readouterr().err
    digits = typed.strip("xID")
    assert digits not in err
    assert digits not in log_text(home)


def test_masking_leaves_organisation_codes_and_longer_tokens_alone():
    org = KNOWN["black"]
    assert applog.mask_identity_numbers(f"code {org}") == f"code {org}"
    assert applog.mask_identity_numbers("request 12345678901234567890ab") \
        == "request 12345678901234567890ab"
    assert applog.mask_identity_numbers(f"{PERSON},x") == f"{PERSON[:6]}********{PERSON[-4:]},x"


def test_tracebacks_are_masked(desk_env, capsys):
    home, _ = desk_env
    applog.setup()
    try:
        raise ValueError(f"bad subject {PERSON}")
    except ValueError:
        logging.getLogger("desktop.test").exception("failed")
    applog.close()
    text = log_text(home)
    assert "ValueError" in text and PERSON not in text


def test_an_unwritable_log_folder_does_not_stop_a_check(desk_env, capsys):
    home, _ = desk_env
    (home / "logs").write_text("not a folder")  # fails for root too, unlike file modes
    code = main(["check", KNOWN["black"], "--offline"])
    out, err = capsys.readouterr()
    assert code == 0 and "命中名单" in out
    assert "无法写入日志文件" in err


def test_snapshot_installs_and_refusals_are_logged(desk_env, capsys, tmp_path):
    home, _ = desk_env
    assert main(["check", KNOWN["black"], "--offline"]) == 0  # installs the bundled demo data
    assert main(["cache", "import", str(tmp_path / "no-such-stick")]) == 4
    text = log_text(home)
    assert "snapshot v1 (full) in use" in text
    assert "refused (missing-file)" in text and "no-such-stick" in text


def test_a_mistyped_identity_number_is_masked_in_the_log_too(capsys):
    """A digit too many is still a person's number: the refusal quoting it is logged masked."""
    from desktop.site import log as applog

    line = applog.mask_identity_numbers("代码应为18位，输入的是 19 位：4403032000021062680。")
    assert "4403032000021062680" not in line and "440303*********2680" in line


def test_a_number_scanned_twice_or_typed_after_a_phone_number_is_masked_and_hashes_are_not():
    """Runs of 15 digits and more standing on their own, as before break attempt 18; inside a
    hash only a run whose check digit holds (break attempt 19)."""
    for line in (PERSON + PERSON, f"申请人 {PERSON}13800138000 已核查"):
        assert PERSON not in applog.mask_identity_numbers(line)
    digest = "2bcf8755461234567890123456a" + "0" * 37
    assert applog.mask_identity_numbers(f"head {digest}") == f"head {digest}"
