"""Sites: the fridges, freezers and pantry shelves of a network."""
