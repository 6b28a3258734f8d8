"""Reading, checking and storing school deliveries."""
