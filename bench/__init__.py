"""Comptoir's benchmark harness (`comptoir bench checkout`). Lives outside the installed package:
it needs a source checkout and is never imported by the application."""
