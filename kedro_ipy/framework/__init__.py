"""The project framework: hooks, project settings and bootstrap, context and session."""
