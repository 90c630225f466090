"""Command-line commands registered on the app (`flask --app csapp …`)."""
