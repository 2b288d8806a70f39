"""What the network achieves: the impact report, a face over stock, care and shifts."""
