"""The public face: the network's home page and each site's page."""
