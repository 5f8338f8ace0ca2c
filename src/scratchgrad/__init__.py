"""scratchgrad: the course's from-scratch automatic differentiation (work in progress)."""
