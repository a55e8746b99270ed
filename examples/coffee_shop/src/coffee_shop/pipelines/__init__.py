"""One sub-package per pipeline, each with ``create_pipeline()``."""
