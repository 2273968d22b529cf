"""The command-line edge: one click command per file, each parsing options and calling the library.

The one place in the package where imports sit inside functions on purpose: a command module imports
what only one of its subcommands needs (WeasyPrint, the proof service, the workspace) inside that
subcommand, so ``handle-docs --help`` and a quick command start at once (cli.COMMANDS loads each module
lazily). It is for start-up time, never to dodge a cycle: the layers (pyproject.toml's import-linter
contracts, docs/architecture.md) hold with these imports counted. tests/test_layers.py keeps every other
package free of them."""
