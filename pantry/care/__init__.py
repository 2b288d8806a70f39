"""Care: the cleaning checklist at the fridge, thermometer readings, and the alerts they raise."""
