CREATE STATISTICS app.items_qty_mood (dependencies) ON qty, mood FROM app.items;
