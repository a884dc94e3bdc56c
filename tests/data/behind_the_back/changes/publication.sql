ALTER PUBLICATION app_items ADD TABLE app.other;
