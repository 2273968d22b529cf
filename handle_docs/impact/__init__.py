"""Did the patrol work, and where next: vehicle crime from police.uk data (issue 32)."""
