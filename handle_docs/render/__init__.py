"""Rendering: HTML templates, WeasyPrint PDF, Word, QR codes, and tagged PDF joining, splitting and imposing."""
