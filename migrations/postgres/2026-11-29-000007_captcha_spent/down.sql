DROP TABLE captcha_spent;
