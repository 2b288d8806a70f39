"""Shifts: weekly patterns, concrete shifts, sign-ups without an account, calendars, reminders."""
