"""Pay: runs and their lifecycle, deductions, gaps in the data a run needs."""
