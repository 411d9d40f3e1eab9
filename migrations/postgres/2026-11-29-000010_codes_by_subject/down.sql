DROP INDEX email_codes_by_subject;
