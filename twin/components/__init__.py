"""Component models of the park: one module per technology."""
