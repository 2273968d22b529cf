"""A patrol's run: letters from records, template data, the chunked batch, the whole pipeline."""
