"""Coordinators: sign-in, invitations, and the screens that run the network."""
