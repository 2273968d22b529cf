"""Operation outputs beside the letters: leaflets, report, social cards, paper pack, print cost."""
