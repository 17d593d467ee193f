"""A snapshot that names no one it need not (issue 17 item 4): unlisted persons are not published,
a listed person's row is found only through the memory-hard tag of the number and its name is
sealed under a key derived from it, and a snapshot sealed below the desk's minimum is refused."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3

import pytest
from desk_config import OPERATORS
from snapshot_fixtures import DEMO_DATA, Publisher

from desktop.app.cli import main
from desktop.site.paths import resources
from offline_cache.buckets import BucketTable
from offline_cache import sealing
from offline_cache.demo import DEMO_SEALING_SALT, write_sources
from offline_cache.errors import SnapshotRefused
from offline_cache.reader import SnapshotReader
from offline_cache.store import SnapshotStore

KNOWN = json.loads((resources() / "demo" / "known_codes.json").read_text(encoding="utf-8"))
DEMO_TABLE = BucketTable.from_bytes((DEMO_DATA.parent / "buckets-000001.bin").read_bytes())


@pytest.fixture(scope="module")
def demo_people(tmp_path_factory) -> tuple[list[tuple[str, str]], set[str]]:
    """Every natural person in the demo's sources (listed or not), and every organisation name."""
    src = tmp_path_factory.mktemp("sources")
    write_sources(src)
    with open(src / "subjects.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    people = [(r["code"], r["name"]) for r in rows if r["kind"] == "person"]
    return people, {r["name"] for r in rows if r["kind"] == "org"}


def test_no_demo_persons_number_or_name_is_in_the_snapshot_bytes(demo_people):
    people, org_names = demo_people
    assert len(people) > 100
    data = DEMO_DATA.read_bytes()
    for code, name in people:
        assert code.encode() not in data, code
        # Organisations stay in the clear: a person's name inside a company's name is the
        # company's, not the person's.
        if not any(name in org for org in org_names):
            assert name.encode("utf-8") not in data, name
    listed = sum(1 for _ in sqlite3.connect(DEMO_DATA).execute(
        "SELECT 1 FROM subjects WHERE kind = 'person'"))
    assert 0 < listed < len(people)  # the unlisted ones are not published at all


def test_a_listed_person_is_found_with_the_number_and_an_unlisted_one_is_unknown(capsys):
    with SnapshotReader(DEMO_DATA, DEMO_TABLE) as reader:
        found = reader.lookup(KNOWN["person_black"], "CZ-001")
        assert found.subject.code == KNOWN["person_black"] and found.subject.name and found.hits
        assert reader.lookup(KNOWN["person_clear"], None).subject is None
        assert reader.lookup(KNOWN["black"], None).subject.name  # organisations in the clear
    assert main(["check", KNOWN["person_clear"], "--json", "--purpose", "依法履职"]) == 0
    r = json.loads(capsys.readouterr().out)
    # Not published, so the data cannot say whether it knows them: no "请核对代码" for a person.
    assert r["subject_known"] is None and r["status"] == "clear"


def test_a_sealed_row_opens_only_for_its_own_number():
    conn = sqlite3.connect(DEMO_DATA)
    params = sealing.read_params(conn)
    tag, key = sealing.derive(KNOWN["person_black"], params)
    [blob] = conn.execute("SELECT name FROM subjects WHERE code = ?", (tag,)).fetchone()
    conn.close()
    assert sealing.unseal(key, tag, blob)["name"]
    other_tag, other_key = sealing.derive(KNOWN["person_clear"], params)
    with pytest.raises(sealing.InvalidTag):
        sealing.unseal(other_key, tag, blob)
    assert base64_len(params["salt"]) >= 16 and int(params["memory_cost"]) >= sealing.MINIMUM["memory_cost"]


def base64_len(text: str) -> int:
    import base64

    return len(base64.b64decode(text))


def test_a_snapshot_sealed_below_the_minimum_is_refused(tmp_path, desk_env):
    _, config = desk_env
    src = tmp_path / "src"
    write_sources(src)
    from offline_cache.build import build

    weak = dict(sealing.PARAMS, memory_cost=8192)
    build(src, tmp_path / "weak.sqlite", sealing_params=weak, sealing_salt=DEMO_SEALING_SALT)
    publisher = Publisher(tmp_path / "publisher")
    config.write_text(f'[snapshot]\ntrust_root = "{publisher.root}"\n' + OPERATORS, encoding="utf-8")
    store = SnapshotStore(tmp_path / "store", publisher.root)
    store.install(publisher.publish(1))  # the demo data: sealed at the minimum
    before = sorted(p.name for p in (tmp_path / "store").rglob("*"))
    with pytest.raises(SnapshotRefused) as refused:
        store.install(publisher.publish(2, tmp_path / "weak.sqlite"))
    assert refused.value.reason == "weak-sealing" and "加密强度不足" in str(refused.value)
    assert sorted(p.name for p in (tmp_path / "store").rglob("*")) == before
    # A weak file put in place by hand is not read either.
    shutil.copyfile(tmp_path / "weak.sqlite", tmp_path / "copy.sqlite")
    with pytest.raises(sealing.WeakSealing):
        SnapshotReader(tmp_path / "copy.sqlite", BucketTable.from_bytes((tmp_path / "weak.buckets").read_bytes()))
