DROP TABLE passkey_ceremonies, passkeys, signing_keys, code_events, mfa_challenges, recovery_codes,
    totp_factors, email_codes, registrations, login_throttle, audit_events, outbox, refresh_tokens,
    sessions, code_failures, users;
