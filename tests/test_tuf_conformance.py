"""TUF's client-workflow cases that apply to the desk, run against both fetchers: a folder (USB
stick, hall share) and the platform over HTTP (the reference platform on loopback, the real signed
client). Each attack is refused naming the role and the reason, and leaves the desk's store
byte-for-byte as it was; the legitimate cases (key rotation, fast-forward recovery) go through.

The cases follow the specification's client workflow (5.3 root, 5.4 timestamp, 5.5 snapshot,
5.6 targets, 5.7 target files): rollback, freeze, mix-and-match, threshold, key rotation,
fast-forward recovery, endless data."""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from reference_platform.fixtures import APP_KEY, SECRET, memory_keyring  # noqa: F401
from reference_platform.server import ReferencePlatform
from snapshot_fixtures import NOW, Publisher, resign, tree

from desktop.offline.updater import PlatformSource
from desktop.platform.client import PlatformClient
from offline_cache.errors import SnapshotRefused
from offline_cache.repository import Repository, load_signer
from offline_cache.store import FolderSource, SnapshotStore

ALL = ("root", "targets", "snapshot", "timestamp")


@pytest.fixture(params=["folder", "http"])
def source(request, tmp_path, memory_keyring):
    """``source(repo)``: how the desk reaches a repository folder in this run."""
    if request.param == "folder":
        yield FolderSource
        return
    platform = ReferencePlatform(tmp_path / "platform", credentials={APP_KEY: SECRET}).start()
    memory_keyring.set_password("credit-desk", APP_KEY, SECRET)
    client = PlatformClient(platform.url, APP_KEY, operator="conformance")
    n = [0]

    def over_http(repo: Path):
        platform.state.publisher.repository = Repository(repo)  # what the platform serves now
        n[0] += 1
        return PlatformSource(client, tmp_path / f"downloads-{n[0]}", None)
    yield over_http
    client.close()
    platform.stop()


@pytest.fixture
def pub(tmp_path):
    return Publisher(tmp_path / "publisher", keys=3, threshold=2)


@pytest.fixture
def desk(tmp_path, pub):
    return SnapshotStore(tmp_path / "desk", pub.root)


def accept(desk, source, repo) -> int:
    return desk.update(source(repo)).version


def refuse(desk, source, repo, role: str, *reasons: str) -> SnapshotRefused:
    before = tree(desk.folder)
    with pytest.raises(SnapshotRefused) as caught:
        desk.update(source(repo))
    exc = caught.value
    assert exc.role == role and exc.reason in reasons, (exc.role, exc.reason, exc.message)
    assert ROLE_WORDS[role] in exc.message
    assert tree(desk.folder) == before
    return exc


ROLE_WORDS = {"root": "（root）", "timestamp": "（timestamp）", "snapshot": "（snapshot）", "targets": "（targets）"}


def two(pub):
    return pub.keys[:2]


# -- rollback (5.4.3, 5.5.5, 5.6.5) -------------------------------------------------------------

def test_rollback_of_timestamp_snapshot_and_data_is_refused(desk, source, pub):
    older = pub.publish(1, keys=two(pub), online=two(pub))
    newer = pub.publish(2, keys=two(pub), online=two(pub))
    assert accept(desk, source, newer) == 2
    refuse(desk, source, older, "timestamp", "rollback")


def test_a_timestamp_pointing_at_an_older_snapshot_is_refused(desk, source, pub):
    pub.publish(1, keys=two(pub), online=two(pub))
    repo = pub.publish(2, keys=two(pub), online=two(pub))
    assert accept(desk, source, repo) == 2

    def back(signed):  # a stolen timestamp key: a newer timestamp, an older snapshot
        signed.version += 5
        signed.snapshot_meta.version -= 1
    refuse(desk, source, resign(pub.copy("forged"), "timestamp", back, two(pub)), "timestamp", "rollback")


# -- freeze (5.4.4, 5.5.6, 5.6.6) ---------------------------------------------------------------

def test_an_expired_timestamp_is_refused(desk, source, pub):
    assert accept(desk, source, pub.publish(1, keys=two(pub), online=two(pub))) == 1
    frozen = pub.publish(2, keys=two(pub), online=two(pub), timestamp_expires=NOW - timedelta(minutes=1))
    refuse(desk, source, frozen, "timestamp", "expired")


def test_expired_targets_are_refused(desk, source, pub):
    stale = pub.publish(1, keys=two(pub), online=two(pub), expires=NOW + timedelta(days=1))

    def expire(signed):
        signed.expires = NOW - timedelta(days=1)
    repo = resign(stale, "targets", expire, two(pub))
    # The snapshot states the targets version only, so the re-signed file passes that check.
    refuse(desk, source, repo, "targets", "expired")


# -- mix-and-match (5.5.2, 5.6.2) ---------------------------------------------------------------

def test_metadata_from_different_publications_is_refused(desk, source, pub, tmp_path):
    one = pub.publish(1, keys=two(pub), online=two(pub))
    two_ = pub.publish(2, keys=two(pub), online=two(pub))
    mixed = tmp_path / "mixed-snapshot"
    shutil.copytree(two_, mixed)
    shutil.copy(one / "metadata" / "snapshot.json", mixed / "metadata" / "snapshot.json")
    refuse(desk, source, mixed, "snapshot", "hash-mismatch", "rollback")
    mixed_targets = tmp_path / "mixed-targets"
    shutil.copytree(two_, mixed_targets)
    shutil.copy(one / "metadata" / "targets.json", mixed_targets / "metadata" / "targets.json")
    refuse(desk, source, mixed_targets, "targets", "rollback")


def test_a_data_file_from_another_publication_is_refused(desk, source, pub):
    one = pub.publish(1, keys=two(pub), online=two(pub))
    v1, v2, _ = pub.datasets()
    two_ = pub.publish(2, v2, keys=two(pub), online=two(pub))
    shutil.copy(one / "targets" / "snapshot-000001.sqlite", two_ / "targets" / "snapshot-000002.sqlite")
    # Version 1's file is longer than version 2's: cut off at the stated length, or its hash.
    refuse(desk, source, two_, "targets", "hash-mismatch", "too-large")


# -- threshold (5.3.4, 5.4.2, 5.5.3, 5.6.3) -----------------------------------------------------

@pytest.mark.parametrize("role", ["timestamp", "snapshot", "targets"])
def test_each_role_needs_its_threshold(desk, source, pub, role):
    assert accept(desk, source, pub.publish(1, keys=two(pub), online=two(pub))) == 1
    repo = pub.publish(2, keys=two(pub), online=two(pub))
    resign(repo, role, lambda signed: None, [pub.keys[2]])  # one valid key of the two needed
    if role == "targets":
        refuse(desk, source, repo, "targets", "threshold")
    elif role == "snapshot":
        # The timestamp names the snapshot's hash: re-signing changed it, so it is refused as a
        # file that differs from what the timestamp states, before its signatures are read.
        refuse(desk, source, repo, "snapshot", "hash-mismatch", "threshold")
    else:
        refuse(desk, source, repo, "timestamp", "threshold")


# -- key rotation (5.3) --------------------------------------------------------------------------

def test_root_rotation_signed_by_both_thresholds_is_followed(desk, source, pub):
    assert accept(desk, source, pub.publish(1, keys=two(pub), online=two(pub))) == 1
    new = [pub.new_key("new-a"), pub.new_key("new-b")]
    pub.rotate({r: (new, 1) for r in ALL}, sign_with=two(pub) + new[:1])
    assert accept(desk, source, pub.publish(2, keys=new[:1], online=new[:1])) == 2
    assert desk.root().version == 2


def test_root_rotation_without_the_old_threshold_is_refused(desk, source, pub):
    assert accept(desk, source, pub.publish(1, keys=two(pub), online=two(pub))) == 1
    new = [pub.new_key("new-a")]
    pub.rotate({r: (new, 1) for r in ALL}, sign_with=pub.keys[:1] + new)   # one old key of two
    refuse(desk, source, pub.publish(2, keys=new, online=new), "root", "threshold")


# -- fast-forward recovery (5.3.11) --------------------------------------------------------------

def test_fast_forward_recovery_after_a_timestamp_key_rotation(desk, source, pub, tmp_path):
    assert accept(desk, source, pub.publish(1, keys=two(pub), online=two(pub))) == 1
    # A stolen timestamp key pushes the desk's timestamp far ahead (with genuine data).
    genuine = pub.publish(2, keys=two(pub), online=two(pub))

    def far_ahead(signed):
        signed.version = 1000
    assert accept(desk, source, resign(genuine, "timestamp", far_ahead, two(pub))) == 2
    # Without recovery, the publisher's next timestamp looks like a rollback.
    refuse(desk, source, pub.publish(3, keys=two(pub), online=two(pub)), "timestamp", "rollback")
    # The publisher rotates the timestamp key: the desk drops the timestamp the old key signed.
    fresh = pub.new_key("timestamp-2")
    pub.rotate({"timestamp": ([fresh], 1)}, sign_with=two(pub))
    pub.repo.refresh_timestamp([load_signer(fresh)])
    assert accept(desk, source, pub.copy("recovered")) == 3


# -- endless data (5.2, 5.7) ---------------------------------------------------------------------

def test_an_endless_timestamp_is_cut_off(desk, source, pub):
    repo = pub.publish(1, keys=two(pub), online=two(pub))
    path = repo / "metadata" / "timestamp.json"
    path.write_bytes(path.read_bytes()[:-2] + b" " * 200_000 + b"}\n")
    refuse(desk, source, repo, "timestamp", "too-large")


def test_a_data_file_longer_than_its_metadata_is_cut_off(desk, source, pub):
    repo = pub.publish(1, keys=two(pub), online=two(pub))
    with open(repo / "targets" / "snapshot-000001.sqlite", "ab") as fh:
        fh.write(b"\0" * 5_000_000)
    refuse(desk, source, repo, "targets", "too-large", "hash-mismatch")
