"""Small reusable widgets of the window's pages and dialogs: the status badge, a table that fits
its rows, plain text that cannot be read as markup, the approval item selector."""
