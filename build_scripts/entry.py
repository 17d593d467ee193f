"""PyInstaller's entry script for the `credit-desk` executable: the same `main` as the console
script from `pip install`, so the frozen app and the source tree take one code path."""
import sys

from desktop.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
