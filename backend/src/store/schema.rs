// The tables of migrations/, as diesel sees them.

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        username_key -> Text,
        email -> Text,
        email_key -> Text,
        password_hash -> Text,
        email_verified -> Bool,
        mfa_enabled -> Bool,
        role -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        verified_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        language -> Text,
    }
}

diesel::table! {
    email_codes (email_key, purpose, subject) {
        email_key -> Text,
        purpose -> Text,
        subject -> Text,
        code_hash -> Nullable<Text>,
        attempts -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        resend_after -> Timestamp,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        token_hash -> Text,
        username -> Text,
        username_key -> Text,
        email -> Text,
        email_key -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        language -> Text,
    }
}

diesel::table! {
    totp_factors (user_id) {
        user_id -> Text,
        secret_sealed -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Integer,
        user_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mfa_challenges (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        attempts -> Integer,
        used_at -> Nullable<Timestamp>,
        by_passkey -> Bool,
    }
}

diesel::table! {
    code_failures (id) {
        id -> Integer,
        email_key -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Nullable<Text>,
        body_html -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        channel -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Integer,
        at -> Timestamp,
        event -> Text,
        user_id -> Nullable<Text>,
        email -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        detail -> Nullable<Text>,
        actor_id -> Nullable<Text>,
    }
}

diesel::table! {
    code_events (id) {
        id -> Integer,
        at -> Timestamp,
        email -> Text,
        purpose -> Text,
        event -> Text,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        algorithm -> Text,
        public_key -> Text,
        private_key_sealed -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    email_codes,
    code_failures,
    sessions,
    refresh_tokens,
    outbox,
    audit_events,
    code_events,
    login_throttle,
    registrations,
    totp_factors,
    recovery_codes
);

diesel::table! {
    passkeys (id) {
        id -> Text,
        user_id -> Text,
        credential_id -> Text,
        name -> Text,
        credential -> Text,
        user_verified -> Bool,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    passkey_ceremonies (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        user_id -> Nullable<Text>,
        bound_to -> Nullable<Text>,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    captcha_spent (digest) {
        digest -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    rate_limits (key) {
        key -> Text,
        tat -> Timestamp,
    }
}
