"""tapegrad test suite."""
