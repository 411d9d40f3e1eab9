ALTER TABLE registrations DROP COLUMN language;
ALTER TABLE users DROP COLUMN language;
