"""Service requests from employers, their life cycle, messages and staff handling."""
