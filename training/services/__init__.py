"""Every write to a training, one module per stage: start, lifecycle, control sessions."""
