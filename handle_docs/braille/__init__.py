"""Braille letters: the print letter's words in braille, as BRF files for an embosser.

``settings`` reads ``content/braille.yaml``; ``translate`` is the liblouis
binding; ``layout`` pages Braille ASCII into a BRF file; ``letter`` builds
the letter's words from the data the print letter is rendered from;
``outputs`` writes a run's braille files.  Nothing here imports the web or
the command line.
"""
