"""The wording and its loading: safe YAML with line marks, the content schema, the markup."""
