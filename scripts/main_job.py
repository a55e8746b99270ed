"""The README's main job (placeholder until the example project lands)."""

raise SystemExit("The example project is being built; see the open issues.")
