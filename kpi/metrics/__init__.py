"""KPI definitions, targets, facts, computation and the small-number rule."""
