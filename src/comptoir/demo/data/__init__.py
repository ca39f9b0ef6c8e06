"""Static material the demo seeder draws from: the category tree with product templates, people and
places per country, shop names. Plain data, no ORM."""
