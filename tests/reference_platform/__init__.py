"""The reference provincial credit platform: Platform API v1 on a real threaded WSGI server, for
tests (a free loopback port) and training rooms (``python -m tests.reference_platform``)."""
from .app import FAULTS, Fault, PlatformState, create_app
from .publisher import Publisher, Release
from .server import ReferencePlatform

__all__ = ["FAULTS", "Fault", "PlatformState", "Publisher", "ReferencePlatform", "Release", "create_app"]
