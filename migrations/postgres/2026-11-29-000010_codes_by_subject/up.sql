-- A registration's codes are found (and deleted when it is verified or purged) by the registration
-- alone; the primary key starts with the address, so without this every verification scanned them all.
CREATE INDEX email_codes_by_subject ON email_codes (subject);
