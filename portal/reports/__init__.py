"""Results and statistics for the unit's managers and politicians, from the portal's data."""
