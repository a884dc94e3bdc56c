ALTER TYPE app.mood ADD VALUE 'happy';
