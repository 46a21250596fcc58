"""Reports for clients and the team, rendered as Markdown and CSV without any UI library."""
