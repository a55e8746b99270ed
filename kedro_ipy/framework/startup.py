"""Project bootstrap: find the project, read its metadata, configure settings and pipelines."""
