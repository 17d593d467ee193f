"""One module per `credit-desk` subcommand; each registers its parser and runs on a DeskContext."""
