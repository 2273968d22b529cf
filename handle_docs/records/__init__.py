"""Check records: reading CSV and Forms exports, normalising each field, the shared vocabularies."""
