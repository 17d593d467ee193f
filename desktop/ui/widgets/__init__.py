"""Small reusable widgets of the check page."""
