"""The JSON documents of the `rules` command (CONTRACT.md): schemas in, results out."""
