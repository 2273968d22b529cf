"""Small shared helpers: atomic private writes, safe CSV, the reproducible clock."""
