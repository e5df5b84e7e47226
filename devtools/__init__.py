"""Developer tools that are not part of the installed package (the import-linter contract of the app
template)."""
