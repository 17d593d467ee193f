"""pytest fixtures for the online suites: a reference platform on a free loopback port, a desk
configured against it (production-shaped: its own trust root), and the secret in a keyring."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from desk_config import OPERATORS

from .server import ReferencePlatform

APP_KEY = "hall-440106-01"
SECRET = "s3cr3t-Zq9-never-in-files"
KNOWN = json.loads((Path(__file__).resolve().parents[2] / "resources" / "demo" / "known_codes.json")
                   .read_text(encoding="utf-8"))


@dataclass
class Online:
    platform: ReferencePlatform
    config: Path
    home: Path

    def configure(self, *, deadline: float = 1.0, base_url: str | None = None, extra: str = "",
                  update_source: str = "platform", operators: str = OPERATORS) -> None:
        self.config.write_text(
            f'[platform]\nbase_url = "{base_url or self.platform.url}"\napp_key = "{APP_KEY}"\n'
            f'deadline_seconds = {deadline}\n{extra}\n'
            f'[site]\nhall = "440106-01"\nwindow = "12"\n\n'
            f'[snapshot]\ntrust_root = "{self.platform.publisher.root.as_posix()}"\n'
            f'update_source = "{update_source}"\n' + operators, encoding="utf-8")

    def context(self):
        from desktop.desk.context import DeskContext

        return DeskContext.from_environment()

    def install_snapshot(self) -> None:
        """Put the platform's current full snapshot on the desk, as a USB import would."""
        ctx = self.context()
        ctx.offline.store.install(self.platform.publisher.repository.folder)


@pytest.fixture
def memory_keyring():
    from memory_keyring import MemoryKeyring

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def online(tmp_path, desk_env, memory_keyring):
    home, config = desk_env
    platform = ReferencePlatform(tmp_path / "platform", credentials={APP_KEY: SECRET}).start()
    memory_keyring.set_password("credit-desk", APP_KEY, SECRET)
    env = Online(platform, config, home)
    env.configure()
    yield env
    platform.stop()


def make_tls(folder: Path) -> tuple[Path, Path, Path]:
    """A private CA and a certificate for 127.0.0.1 signed by it: (ca.pem, cert.pem, key.pem)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Province CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths
