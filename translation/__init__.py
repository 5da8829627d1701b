"""translation package (keep imports light: the CLI imports this at start-up)."""
