"""Entry points: the `credit-desk` command line and its subcommands, and the self-test of a
packaged install. Nothing imports this package.

Start reading at `cli.py` (`main`: no arguments opens the window through `desktop.ui.app`), then
`commands/check.py` for the headless check and record."""
