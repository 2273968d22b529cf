"""The command-line edge: one click command per file, each parsing options and calling the library."""
