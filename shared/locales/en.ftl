# The portal's words in English. Translators: copy this file to <code>.ftl, translate the text right of
# each "=", keep every { $variable } and every message id as they are. Lines starting with # are notes.

## Common

# This language's own name, as the language switch shows it.
language-name = English
# The product's name, used in mails.
-product = OTP Portal

# A duration is written from its parts: hours, minutes, seconds; a part that is zero is left out.
duration-hours = { $n ->
    [one] 1 hour
   *[other] { $n } hours
}
duration-minutes = { $n ->
    [one] 1 minute
   *[other] { $n } minutes
}
duration-seconds = { $n ->
    [one] 1 second
   *[other] { $n } seconds
}
# How two or three parts are joined: "1 hour 30 minutes", "1 hour 2 minutes 5 seconds".
duration-two-parts = { $first } { $second }
duration-three-parts = { $first } { $second } { $third }

## Mails

# Every mail ends with this line.
mail-signature = -- { -product }
# The subject of a notice about the account's security: "OTP Portal: A recovery code was used".
mail-notice-subject = { -product }: { $title }
mail-account-line = Account: { $email }
mail-security-line = Security settings: { $url }
mail-security-link = Security settings
mail-reset-now-link = reset your password now

# The verification code of a registration. { $ttl } is a duration such as "5 minutes".
mail-verify-subject = Your { -product } verification code
# The subject as delivered, with the code in front, for a phone's notification.
mail-verify-subject-with-code = { $code } is your { -product } verification code
mail-verify-title = Confirm your e-mail address for { -product }
# The line a mail app shows under the subject.
mail-verify-preheader = { $code } is your verification code. It expires in { $ttl }.
mail-verify-code-is = Your { -product } verification code is:
mail-verify-code-is-html = Your verification code is:
mail-verify-hello-html = Hello { $username },
# The link to the confirmation page follows on the next line.
mail-verify-expiry = Hello { $username }, it expires in { $ttl }. Enter it on the page where you registered, or open:
mail-verify-expiry-html = It expires in { $ttl }. Enter it on the page where you registered, or { $link }.
mail-verify-link = open the confirmation page
mail-verify-not-you = This code confirms the registration of the username { $username }. If you did not ask for it, ignore this mail: without the code no account is created, and the registration is deleted within a day.

# A code to set a new password with.
mail-reset-subject = Your { -product } password reset code
mail-reset-subject-with-code = { $code } is your { -product } password reset code
mail-reset-title = Reset your { -product } password
mail-reset-preheader = { $code } is your password reset code. It expires in { $ttl }.
mail-reset-code-is = Your { -product } password reset code is:
mail-reset-code-is-html = Your reset code is:
mail-reset-asked = Someone asked to reset the password of the account for { $email }.
mail-reset-expiry = The code expires in { $ttl }. Enter it with your new password, or open:
mail-reset-expiry-html = It expires in { $ttl }. Enter it with your new password, or { $link }.
mail-reset-link = open the reset page
mail-reset-not-you = If this was not you, ignore this mail: your password stays as it is.

# A code to sign in with instead of the password.
mail-login-subject = Your { -product } sign-in code
mail-login-subject-with-code = { $code } is your { -product } sign-in code
mail-login-title = Sign in to { -product }
mail-login-preheader = { $code } is your sign-in code. It expires in { $ttl }.
mail-login-code-is = Your { -product } sign-in code is:
mail-login-code-is-html = Your sign-in code is:
mail-login-asked = Someone asked to sign in to the account for { $email } with a code instead of the password.
mail-login-expiry = The code expires in { $ttl }. Enter it on the sign-in page, or open:
mail-login-expiry-html = It expires in { $ttl }. Enter it on the sign-in page, or { $link }.
mail-login-link = open the sign-in page
mail-login-not-you = If this was not you, ignore this mail: without the code nobody signs in.

# Someone registered with an address that already has an account.
mail-exists-subject = Sign-up attempt with your { -product } address
mail-exists-title = Someone tried to register with your address
mail-exists-tried = Someone tried to create a new { -product } account with { $email }, which already has one.
mail-exists-sign-in = If it was you: you are already registered. Sign in at { $url }
mail-exists-forgot = Forgot your password? Reset it at { $url }
mail-exists-if-you-html = If it was you: you are already registered. { $login }, or { $forgot } if you forgot it.
mail-exists-sign-in-link = Sign in
mail-exists-forgot-link = reset your password
mail-exists-not-you = If it was not you, ignore this mail: nothing was changed and no account was created.

mail-password-changed-subject = Your { -product } password was changed
mail-password-changed-what = The password of the { -product } account for { $email } was just changed, and every device signed in to it was signed out.
mail-password-changed-if-you = If this was you, there is nothing to do.
mail-password-changed-not-you = If it was not you, reset your password now at { $url } and check your mailbox's security: whoever did this could read your mail.
mail-password-changed-not-you-html = If it was not you, { $link } and check your mailbox's security: whoever did this could read your mail.

# The goodbye mail. { $by } is "owner" or "admin".
mail-deleted-subject = Your { -product } account was deleted
mail-deleted-what = The { -product } account { $username } ({ $email }) was deleted { $by ->
    [admin] by an administrator
   *[owner] at your request
}: its sessions, second factor and history are gone, and the username and address are free again.
mail-deleted-contact = If you did not ask for this, contact the operator of { $url }.

mail-disabled-subject = Your { -product } account was disabled
mail-disabled-what = The { -product } account for { $email } was disabled by an administrator: every device signed in to it was signed out, and it cannot sign in until it is enabled again.
mail-enabled-subject = Your { -product } account was enabled again
mail-enabled-what = The { -product } account for { $email } was enabled again by an administrator: you can sign in as before.
mail-questions = Questions go to the operator of { $url }.

# The second factor changed.
mail-factor-enabled-title = Two-step sign-in is on
mail-factor-enabled-what = An authenticator app now protects the account: signing in asks for its code after the password.
mail-factor-disabled-title = Two-step sign-in was turned off
mail-factor-disabled-what = The authenticator app no longer protects the account: the password alone signs in.
mail-factor-recovery-used-title = A recovery code was used
mail-factor-recovery-used-what = Someone signed in with one of the recovery codes. { $remaining ->
    [one] 1 unused code remains
   *[other] { $remaining } unused codes remain
}; make new ones on the security page when they run low.
mail-factor-renewed-title = New recovery codes were made
mail-factor-renewed-what = New recovery codes were made for the account; the older ones no longer work.
mail-factor-not-you = If this was not you, reset your password now at { $url }: someone knows it.
mail-factor-not-you-html = If this was not you, { $link }: someone knows it.

# Wrong passwords paused the account's sign-in. { $pause } is a duration such as "30 seconds".
mail-throttled-subject = Sign-in to your { -product } account was paused
mail-throttled-what = Someone entered a wrong password for the { -product } account of { $email } { $failures ->
    [one] once
   *[other] { $failures } times in a row
}, so sign-in is paused for { $pause }; each further wrong password makes the pause longer (at most a few minutes more each time).
mail-throttled-what-html = Someone entered a wrong password for the { -product } account of { $email } { $failures ->
    [one] once
   *[other] { $failures } times in a row
}, so sign-in is paused for { $pause }.
mail-throttled-if-you = If it was you: wait, then try again, or reset your password at { $url }
mail-throttled-if-you-html = If it was you: wait, then try again, or { $link }.
mail-throttled-reset-link = reset your password
mail-throttled-not-you = If it was not you: your password held, and nobody signed in. To be safe, choose a new, unique password at { $url }
mail-throttled-not-you-html = If it was not you: your password held, and nobody signed in. To be safe, { $link }.
mail-throttled-new-password-link = choose a new, unique password

# A passkey was added, used to sign in, or removed. { $name } is the name its owner gave it.
mail-passkey-added-title = A passkey was added
mail-passkey-added-what = The passkey “{ $name }” can now sign in to the account.
mail-passkey-used-title = Signed in with a passkey
mail-passkey-used-what = Someone signed in to the account with the passkey “{ $name }”.
mail-passkey-removed-title = A passkey was removed
mail-passkey-removed-what = The passkey “{ $name }” can no longer sign in to the account.
mail-passkey-not-you = If this was not you, remove the passkeys you do not know on the security page and reset your password now at { $url }.
mail-passkey-not-you-html = If this was not you, remove the passkeys you do not know on the security page and { $link }.

## Client
# Waits, as the sentences below use them: "Please try again { $wait }."
wait-in = in { $duration }
wait-moment = in a moment
# A long wait, rounded to whole hours: "about 24 hours".
wait-about = about { $duration }

# Messages for the server's problem codes, one per code.
problem-network = Could not reach the server. Check your connection and try again.
problem-validation_failed = Please correct the fields marked below.
problem-username_taken = This username is already taken. Please choose another one.
problem-already_registered = This address already has an account. Sign in, or reset the password if you forgot it.
problem-mfa_already_enabled = The authenticator app is already on for this account. To set up another one, turn it off first.
problem-mfa_not_set_up = This set-up has expired or was replaced. Please start again and scan the new QR code.
problem-rate_limited = Too many attempts in a short time. Please try again { $wait }.
problem-captcha_required = We could not finish checking that you're not a robot. Please wait a minute and try again.
problem-captcha_invalid = The check that you're not a robot did not go through. Please try again.
problem-invalid_code = That code is not right. Check the e-mail and try again.
problem-invalid_code-attempts = That code is not right. { $attempts ->
    [one] 1 attempt
   *[other] { $attempts } attempts
} left for this code.
problem-code_expired = This code has expired or was replaced by a newer one. Send a new code, or start over.
problem-too_many_attempts = Too many wrong codes: this code no longer works. Send a new code.
problem-too_many_attempts-address = Too many wrong codes for this address. Open the link in the newest e-mail we sent (or ask for a new code and open its link).
problem-too_many_attempts-address-wait = Too many wrong codes for this address. Open the link in the newest e-mail we sent (or ask for a new code and open its link). Codes typed in by hand work again in { $wait }.
problem-resend_cooldown = A code was sent a moment ago. You can ask for another one { $wait }.
problem-invalid_credentials = The username, e-mail address or password is not right.
problem-email_not_verified = Your e-mail address is not confirmed yet. Enter the code we sent you, or send a new one.
problem-account_disabled = This account has been disabled by an administrator, so it cannot sign in.
problem-forbidden = This page is for administrators only.
problem-mfa_required = Administration needs the authenticator app on your account. Turn it on on the security page, then come back.
problem-invalid_token = Your session has ended. Please sign in again.
problem-unauthorized = Your session has ended. Please sign in again.
problem-csrf_header_required = The server could not read this request. Reload the page and try again.
problem-malformed_json = The server could not read this request. Reload the page and try again.
problem-payload_too_large = The server could not read this request. Reload the page and try again.
problem-unsupported_media_type = The server could not read this request. Reload the page and try again.
problem-method_not_allowed = The server could not read this request. Reload the page and try again.
problem-not_found = That no longer exists. Reload the page.
problem-service_unavailable = The service is busy right now. Please try again in a few seconds.
problem-internal_error = Something went wrong on our side. Please try again.
problem-unknown = Something unexpected happened. Please try again.

# On the page that confirms the address.
verify-problem-username_taken = Someone else confirmed an account with this username first, so this registration cannot be completed. Please register again with another username.
verify-problem-invalid_code-password = The code or the password is not right. Check both and try again.
verify-problem-invalid_code-password-attempts = The code or the password is not right. { $attempts ->
    [one] 1 attempt
   *[other] { $attempts } attempts
} left for this code.

# Codes of the authenticator app and recovery codes.
factor-problem-invalid_code-app = That code is not right. Enter the code your authenticator app shows now (it changes every 30 seconds).
factor-problem-invalid_code-recovery = That recovery code is not right, or it was used before. Each one works once.
# $what is the sentence saying the code is wrong; the count of tries left follows it.
factor-attempts-left = { $what } { $attempts ->
    [one] 1 attempt left.
   *[other] { $attempts } attempts left.
}
factor-problem-invalid_token = This sign-in took too long or had too many wrong codes. Please start again.
factor-password-wrong = That is not your password.
factor-code-hint = Enter the 6 digits from your authenticator app, or one of your recovery codes.
factor-recovery-code-invalid = Enter one of your recovery codes: ten letters and digits, like k7qm2-xw9pa.

# Form fields: their names in sentences, and what is wrong with a value.
field-name-username = Username
field-name-email = E-mail address
field-name-password = Password
field-name-current_password = Current password
field-name-code = Code
field-name-login = Username or e-mail address
field-name-other = This field
field-required = { $field } is required.
field-length-between = { $field } must be { $min } to { $max } characters long.
field-length-min = { $field } must be at least { $min } characters long.
field-length-max = { $field } must be at most { $max } characters long.
field-username-characters = { $field } may only contain letters, digits, '_', '.' and '-'.
field-email-invalid = Enter an e-mail address like name@example.com.
field-code-digits = Enter the 6 digits of the code.
field-current-password-wrong = That is not your current password.

# Passkeys.
problem-passkeys_unavailable = Passkeys are not available on this portal. Sign in with your password or an e-mailed code.
problem-passkey_challenge_invalid = This passkey request has expired or was already used. Please try again.
problem-passkey_refused = This passkey was not accepted. Try another one, or sign in with your password.
problem-too_many_passkeys = This account has as many passkeys as it can hold. Remove one you no longer use, then add the new one.
problem-passkey_not_available = There is no passkey for this step. Enter the code from your authenticator app or a recovery code instead.

# The text file (and clipboard text) of the recovery codes; the codes follow, one a line.
recovery-codes-file-heading =
    { -product } recovery codes for { $account }
    Created { $created }
recovery-codes-file-explanation =
    Each code signs you in once, in place of the code from your authenticator app.
    Keep them somewhere safe: with your password, any one of them opens your account.
    Getting new recovery codes makes all of these stop working.

# Sign in

login-title = Sign in
login-login-label = Username or e-mail address
login-password-label = Password
login-submit = Sign in
login-submitting = Signing in…
login-code-link = E-mail me a code instead
login-forgot-password-link = Forgot your password?
login-new-here = New here?
login-register-link = Create an account
login-back-to-password = Back to the password
login-notice-password-reset = Your password was changed. Sign in with the new one.
login-notice-signed-out = You are signed out.
login-notice-session-ended = Your session has ended. Please sign in again.

# The second step of a sign-in, for an account with an authenticator app.
second-factor-title = Enter your security code
second-factor-lead = Open your authenticator app and enter the 6-digit code it shows for { -product }.
second-factor-submit = Sign in
second-factor-submitting = Checking…

# Buttons and words used on many pages.
button-cancel = Cancel

# The security page: the authenticator app and the recovery codes.
security-title = Security
security-totp-heading = Authenticator app
security-status-on = On
security-status-on-text = Signing in asks for the code from your authenticator app after your password.
security-status-off = Off
security-status-off-text = Signing in needs only your password or an e-mailed code. With an authenticator app, a stolen password is not enough.
security-notice-enabled = The authenticator app is on. From now on, signing in asks for its code after your password.
security-notice-new-codes = New recovery codes are ready. The earlier ones no longer work.
security-notice-disabled = The authenticator app is off. Signing in now needs only your password.
security-already-off = The authenticator app is already off for this account.
security-regenerate = Get new recovery codes
security-disable = Turn off the app
security-setup-start = Set up an authenticator app
security-setup-starting = Preparing…
security-back = Back to your account
security-setup-scan = Scan this QR code with your authenticator app
security-setup-qr-alt = QR code holding the key for your authenticator app
security-setup-type-key = Can't scan it? Add an account in the app by typing this key (time-based):
security-setup-open-app = Add it to an authenticator app on this device
security-setup-enter-code = Enter the 6-digit code the app shows
security-setup-submit = Turn on
security-setup-submitting = Checking…
security-regenerate-title = Get new recovery codes
security-regenerate-explanation = You get ten new codes, and every earlier one stops working. Confirm with your password and a code from the app (or a recovery code).
security-regenerate-submit = Get new codes
security-regenerate-submitting = Getting codes…
security-disable-title = Turn off the authenticator app
security-disable-explanation = Signing in will need only your password again, and your recovery codes stop working. Confirm with your password and a code from the app (or a recovery code).
security-disable-submit = Turn off
security-disable-submitting = Turning off…
security-password-label = Your password

# Administration: one account's page.
admin-user-title = Account
admin-user-loading = Loading the account…
admin-user-missing = There is no account or pending registration with this id (any more).
admin-user-all-users = All users
admin-user-done-disable = { $name } is disabled: every session ended, sign-in is refused, and a mail told them.
admin-user-done-enable = { $name } can sign in again; a mail told them.
admin-user-done-revoke = { $name } is signed out everywhere.
admin-user-done-delete-pending = The pending registration of { $name } was deleted.
admin-user-done-delete = The account { $name } was deleted, and a goodbye mail is on its way.
admin-user-disable = Disable
admin-user-disabling = Disabling…
admin-user-enable = Enable
admin-user-enabling = Enabling…
admin-user-revoke = Sign out everywhere
admin-user-revoking = Signing out…
admin-user-delete = Delete
admin-user-delete-question = Delete { $name }?
admin-user-delete-confirm = Delete for good
admin-user-deleting = Deleting…
admin-user-delete-consequence-pending = The pending registration of { $name } ({ $email }) is deleted at once, with its code. The username and the address become free to register again.
admin-user-delete-consequence = The account { $name } is deleted at once, with its sessions, its second factor and its codes; it cannot be restored. The username and the address { $email } become free, and a goodbye mail is sent to that address.
admin-user-own-account = This is your own account: manage it from your dashboard and security page.
admin-user-sessions-heading = Open sessions
admin-user-timeline-heading = Timeline
admin-user-audit-link = All events of this account in the audit trail
admin-user-mails-heading = Mails
admin-user-codes-heading = Codes
# A refused action; $reasons are the server's own words.
admin-user-refused = The server refused this action for this account.
admin-user-refused-because = Not done: this account { $reasons }.
admin-user-gone = This account no longer exists.
admin-user-mfa-on = On
admin-user-mfa-on-codes = On · { $left ->
    [one] 1 recovery code left
   *[other] { $left } recovery codes left
}
admin-user-mfa-off = Off
admin-user-fact-state = State
admin-user-fact-username = Username
admin-user-fact-email = E-mail address
admin-user-email-confirmed = Confirmed
admin-user-email-unconfirmed = Not confirmed
admin-user-fact-role = Role
admin-user-fact-mfa = Authenticator app
admin-user-fact-created = Created
admin-user-fact-last-login = Last sign-in
admin-user-never = Never
admin-user-fact-disabled = Disabled
admin-user-fact-id = Id
admin-user-no-sessions = No open session.
admin-user-session-meta = Signed in { $signed_in } · last active { $last_active }
admin-user-no-events = No events recorded.
admin-user-no-ip = No IP
admin-user-by-admin = by an admin
admin-user-no-mails = No mails.
admin-user-mail-queued = Queued { $at }
admin-user-mail-sent = sent { $at }
admin-user-mail-attempts = { $attempts ->
    [one] 1 attempt
   *[other] { $attempts } attempts
}
admin-user-no-codes = No codes.

# Devices, from a session's browser.
device-unknown = Unknown device
device-browser-on-system = { $browser } on { $system }

# Audit event kinds.
event-registered = Registered
event-registration_for_existing_account = Registration tried for an existing account
event-code_sent = Code sent
event-code_verified = Code accepted
event-code_failed = Wrong code
event-email_verified = E-mail address confirmed
event-login_succeeded = Signed in
event-login_failed = Sign-in failed
event-login_throttled = Sign-in throttled
event-login_code_requested = Sign-in code requested
event-logout = Signed out
event-session_revoked = Session ended
event-refresh_reuse_detected = Reused refresh token: session ended
event-password_reset_requested = Password reset requested
event-password_reset = Password reset
event-password_changed = Password changed
event-rate_limited = Rate limited
event-mfa_enabled = Authenticator app turned on
event-mfa_disabled = Authenticator app turned off
event-mfa_challenged = Asked for the authenticator code
event-recovery_code_used = Recovery code used
event-recovery_codes_renewed = New recovery codes
event-data_exported = Data downloaded
event-account_deleted = Account deleted by its owner
event-role_changed = Role changed
event-admin_viewed_user = Viewed by an admin
event-admin_disabled_user = Disabled by an admin
event-admin_enabled_user = Enabled by an admin
event-admin_revoked_sessions = Signed out everywhere by an admin
event-admin_deleted_user = Deleted by an admin

# Kinds of mail, and the webhooks' event types listed beside them.
mail-kind-verify_email = Confirmation code
mail-kind-password_reset = Password reset code
mail-kind-account_exists = Account already exists
mail-kind-password_changed = Password changed
mail-kind-login_throttled = Sign-in attempts throttled
mail-kind-login_code = Sign-in code
mail-kind-security_notice = Security notice
mail-kind-account_deleted = Goodbye (account deleted)
mail-kind-account_disabled = Account disabled or enabled
mail-kind-user-verified = Address confirmed
mail-kind-user-login = Signed in
mail-kind-user-password_changed = Password changed
mail-kind-user-disabled = Account disabled
mail-kind-user-enabled = Account enabled
mail-kind-user-deleted = Account deleted

# What an e-mailed code is for.
code-purpose-verify_email = Confirm the address
code-purpose-password_reset = Reset the password
code-purpose-login = Sign in

# What happened to an e-mailed code.
code-event-issued = Sent
code-event-verified = Accepted
code-event-failed = Wrong code tried
code-event-expired = Expired
code-event-replaced = Replaced by a newer code

account-state-pending = Pending
account-state-active = Active
account-state-disabled = Disabled
channel-mail = Mail
channel-webhook = Webhook
mail-status-queued = Queued
mail-status-sent = Sent
mail-status-failed = Failed
# A machine name the server sent empty.
name-unknown = Unknown

# Administration: the frame, the refusals and the pager under each list.
admin-title = Administration
admin-nav-overview = Overview
admin-nav-users = Users
admin-nav-mail = Mail
admin-nav-codes = Codes
admin-nav-audit = Audit
admin-back-to-account = Back to your account
admin-mfa-link = Turn on the authenticator app
pager-label = Pages
pager-previous = Previous
pager-next = Next
# "Page 2 of 3 · 26–50 of 73"
pager-status = Page { $page } of { $pages } · { $range }
pager-range-none = None
pager-range-none-here = None on this page, { $total } in all
pager-range-all = { $total } of { $total }
pager-range = { $first }–{ $last } of { $total }

# Administration: the user table.
admin-users-title = Users
admin-users-loading = Loading the accounts…
admin-users-empty = No account matches.
admin-users-caption = Accounts and pending registrations
admin-users-search-label = Username or e-mail address
admin-users-search-placeholder = Part of a name or address
admin-users-state-label = State
admin-users-state-any = All states
admin-users-col-username = Username
admin-users-col-email = E-mail address
admin-users-col-email-short = E-mail
admin-users-col-state = State
admin-users-col-role = Role
admin-users-col-app = App
admin-users-col-created = Created
admin-users-col-last-login = Last sign-in
admin-users-col-sessions = Sessions
admin-users-app-on = On
admin-users-app-off = Off
admin-users-never = Never

# Administration: the overview of the last days, and its charts.
stats-loading = Loading the numbers…
stats-lead = The last { $days } days, today included (days in UTC).
stats-totals = Totals
stats-per-day = Per day
stats-table = Every day's numbers as a table
stats-day = Day
stats-registrations = Registrations
stats-verifications = Confirmed addresses
stats-logins = Sign-ins
stats-failed-logins = Failed sign-ins
stats-mails-failed = Failed mails
stats-unit-registrations = { $n ->
    [one] 1 registration
   *[other] { $n } registrations
}
stats-unit-verifications = { $n ->
    [one] 1 confirmation
   *[other] { $n } confirmations
}
stats-unit-logins = { $n ->
    [one] 1 sign-in
   *[other] { $n } sign-ins
}
stats-unit-failed-logins = { $n ->
    [one] 1 failed sign-in
   *[other] { $n } failed sign-ins
}
stats-unit-mails-failed = { $n ->
    [one] 1 failed mail
   *[other] { $n } failed mails
}
# A chart's title and description for screen readers; $amount is a count such as "5 registrations".
chart-title = { $name } per day, { $first } to { $last }
chart-title-no-days = { $name } per day
chart-description = { $amount } in { $count ->
    [one] 1 day
   *[other] { $count } days
}; the most, { $most }, on { $day }.
chart-description-none = { $amount } in { $count ->
    [one] 1 day
   *[other] { $count } days
}.
chart-total = { $total } in { $count ->
    [one] 1 day
   *[other] { $count } days
}

# Administration: the outbox.
admin-mail-status-label = Status
admin-mail-status-any = Any status
admin-mail-channel-label = Sent as
admin-mail-channel-any = Mails and webhooks
admin-mail-loading = Loading the mails…
admin-mail-empty = No mail matches.
admin-mail-caption = Mails, newest first
admin-mail-col-recipient = Recipient
admin-mail-col-kind = Kind
admin-mail-col-attempts = Attempts
admin-mail-col-last-error = Last error
admin-mail-col-queued = Queued
admin-mail-col-sent = Sent
admin-mail-title = Mail
admin-mail-search-placeholder = Part of an address

# Administration: the e-mailed codes.
admin-codes-purpose-label = Purpose
admin-codes-purpose-any = Any purpose
admin-codes-loading = Loading the codes…
admin-codes-empty = No code event matches.
admin-codes-caption = Code events, newest first
admin-codes-col-when = When
admin-codes-col-address = Address
admin-codes-col-what = What happened
admin-codes-col-ip = IP
admin-codes-title = Codes
admin-codes-search-placeholder = Part of an address

# Administration: the audit trail.
admin-audit-event-label = Event
admin-audit-event-any = Any event
admin-audit-loading = Loading the audit trail…
admin-audit-empty = No event matches.
admin-audit-caption = Audit events, newest first
admin-audit-col-when = When
admin-audit-col-account = Account
admin-audit-col-address = Address
admin-audit-col-ip = IP
admin-audit-col-device = Device
admin-audit-col-detail = Detail
admin-audit-title = Audit trail
admin-audit-search-label = Account id
admin-audit-search-placeholder = An account's id
admin-audit-account = account
admin-audit-admin = admin
admin-audit-by = by

# The dashboard: changing the password.
change-password-done = Password changed. Other devices were signed out.
change-password-heading = Change your password
change-password-current-label = Current password
change-password-new-label = New password
change-password-new-hint = At least 8 characters. Your other devices will be signed out.
change-password-submitting = Changing…
change-password-submit = Change password

# Registration.
register-notice-account-deleted = Your account was deleted, with its sessions, second factor and codes. A goodbye mail is on its way.
register-lead = It takes a minute: we e-mail you a 6-digit code to confirm your address.
register-have-account = Already have an account?
register-title = Create your account
register-username-label = Username
register-username-hint = 3 to 32 letters, digits, '.', '_' or '-'.
register-email-label = E-mail address
register-password-label = Password
register-password-hint = At least 8 characters; a few words are easy to remember.
register-submitting = Creating your account…
register-submit = Create account
register-login-link = Sign in

# Forgot password.
forgot-lead = Enter the address of your account and we will e-mail you a 6-digit code to set a new password.
forgot-title = Reset your password
forgot-email-label = E-mail address
forgot-submitting = Sending…
forgot-submit = Send me a code
forgot-have-code-link = I already have a code
forgot-back-to-login = Back to sign in

# Any other address.
not-found-title = Page not found
not-found-text = There is nothing at this address. It may have moved, or the link may be mistyped.
not-found-home = Go to the start page

# The dashboard.
dashboard-title = Welcome, { $name }
dashboard-session-last-active = Last active { $at }
dashboard-session-sign-out = Sign out
dashboard-sessions-loading = Loading your sessions…
dashboard-this-device = This device
dashboard-account-heading = Your account
dashboard-username = Username
dashboard-email = E-mail address
dashboard-email-confirmed = Confirmed
dashboard-mfa = Authenticator app
dashboard-mfa-on = On
dashboard-mfa-off = Off
dashboard-security-link = Security settings
dashboard-security-set-up = Set up
dashboard-member-since = Member since
dashboard-role = Role
dashboard-sessions-heading = Where you are signed in
dashboard-signing-out = Signing out…
dashboard-sign-out = Sign out

# Confirming the address of a registration.
verify-notice-unverified = Your address is not confirmed yet. Enter the code from our e-mail; if it has expired, send a new one.
verify-notice-resent = We sent a new code to { $email }. Codes from earlier e-mails no longer work.
verify-password-needed = Type the password you chose when you registered.
verify-lead-sent-before = We sent a 6-digit code to{ " " }
verify-lead-sent-after = . Enter it below to confirm the address.
verify-lead = Enter your e-mail address and the 6-digit code we sent to it.
verify-password-hint-link = Opened this link on another device? Type the password you chose when you registered.
verify-password-hint-tab = This browser tab did not start the registration: type the password you chose when you registered.
verify-title = Confirm your e-mail address
verify-email-label = E-mail address
verify-password-label = Password
verify-submitting = Checking…
verify-submit = Verify
verify-wrong-address = Wrong address?
verify-register-again = Register again
verify-register-other-username = Register with another username
verify-sign-in = Sign in
verify-reset-password = Reset the password
verify-expired = This code has expired.
verify-expired-text = Send a new code to the same address, or start over with your registration.
verify-countdown-label = Code expires in
verify-codes-valid = Codes stay valid for a few minutes after they are sent.
verify-back-to-register = Back to registration

# Sign in with an e-mailed code.
login-code-notice-resent = If { $email } has an account, a new code is on its way. Codes from earlier e-mails no longer work.
login-code-notice-sent = If { $email } has an account, a code is on its way. It can take a minute to arrive.
login-code-lead-sent-before = Enter the 6-digit code we e-mailed to{ " " }
login-code-lead-sent-after = { " " }(if it has an account here).
login-code-start-again = Start again
login-code-lead = Enter the address of your account and we will e-mail you a 6-digit code to sign in with.
login-code-title = Sign in with an e-mailed code
login-code-sending = Sending…
login-code-send = E-mail me a code
login-code-password-link = Sign in with your password instead
login-code-expired = This code has expired.
login-code-countdown-label = Code expires in
login-code-codes-valid = Codes stay valid for a few minutes after they are sent.
login-code-submitting = Checking…
login-code-submit = Sign in
login-code-change-address = Use another address
login-code-expired-send-new = Send a new code below.

# Setting a new password with an e-mailed code.
reset-notice-resent = If { $email } has an account, a new code is on its way. Earlier codes no longer work.
reset-lead = Enter the 6-digit code from our e-mail and choose a new password. Every device signed in to your account will be signed out.
reset-title = Choose a new password
reset-email-label = E-mail address
reset-expired = This code has expired. Send a new one below.
reset-countdown-label = Code expires in
reset-password-label = New password
reset-password-hint = At least 8 characters.
reset-submitting = Saving…
reset-submit = Set new password
reset-back-to-login = Back to sign in

# The security page: the account's own data.
account-data-delete-consequence = Your account is deleted at once, together with its sessions on every device, its second factor and recovery codes, and its codes. It cannot be restored. Your username and the address { $email } become free for anyone to register, and we send a goodbye mail to that address.
account-data-saved = Saved as { $name }, in your downloads.
account-data-save-refused = This browser did not let the page save the file. Please try again.
account-data-not-written = The data could not be written as a file. Please try again.
account-data-delete-asks-code = To confirm, enter your password and a code from your authenticator app (or a recovery code).
account-data-delete-asks-password = To confirm, enter your password.
account-data-heading = Your data
account-data-text = Everything we keep about your account, as a file: your details, sessions, sign-in history, mails and codes (never a password, code or key).
account-data-downloading = Preparing your data…
account-data-download = Download my data
account-data-delete = Delete my account
account-data-delete-heading = Delete your account?
account-data-password-label = Your password
account-data-deleting = Deleting…
account-data-delete-confirm = Delete my account for good
account-data-keep = Keep my account

# Parts of many pages.
captcha-solving = Checking you're not a robot…
code-input-legend = 6-digit code
# The label of each box of a code, for screen readers: "Digit 1 of 6".
code-input-digit = Digit { $digit } of { $digits }
factor-recovery-label = Recovery code
factor-recovery-hint = One of the ten codes you saved when you turned the app on, like k7qm2-xw9pa. Each works once.
factor-switch-to-recovery = Use a recovery code instead
factor-switch-to-app = Use the code from the app instead
# The button beside a password field, and what it shows or hides (for screen readers).
form-field-show = Show
form-field-hide = Hide
form-field-password = password
resend-ready = You can ask for a new code now.
resend-sending = Sending…
resend-button = Send a new code
# Read out before the wait on the button: "available in 00:42".
resend-available-in = available in
filter-search = Search
filter-clear = Clear the filter
recovery-codes-copied = Copied. Paste them into your password manager or a safe note.
recovery-codes-copy-refused = This browser did not let the page copy. Select the codes and copy them, or download them.
recovery-codes-saved = Saved as { $name }, in your downloads.
recovery-codes-save-refused = The file could not be saved here. Copy the codes or print them instead.
recovery-codes-heading = Your recovery codes
recovery-codes-print-heading = { -product } · { $account }
recovery-codes-warning = Save these codes now: they are shown only this once.
recovery-codes-explanation = If your phone is lost, each code signs you in once in place of the app's code.
recovery-codes-copy = Copy
recovery-codes-download = Download
recovery-codes-print = Print
recovery-codes-done = I have saved them

# The frame of every page.
# The browser tab's title: the page's title, then the product.
document-title = { $page } · { -product }
app-loading = Loading…
app-brand = { -product }
app-nav-label = Account
app-nav-admin = Admin
app-nav-login = Sign in
app-nav-register = Create account
app-skip-link = Skip to content
app-footer = Codes are sent by e-mail and stay valid for a few minutes.
language-switch-label = Language

# Passkeys: the sign-in page's button, the second step's, and the security page's list.
passkey-sign-in = Sign in with a passkey
passkey-sign-in-busy = Waiting for your passkey…
passkey-second-factor = Use a passkey instead
passkey-unsupported = Passkeys cannot be used here: this browser or this address of the portal does not allow them.
passkey-cancelled = No passkey was used. Try again, or sign in another way.
passkey-already-registered = This device already holds a passkey for your account.
passkey-failed = The passkey did not work: { $why }
passkeys-heading = Passkeys
passkeys-text = Sign in with your fingerprint, face, screen lock or a security key instead of the password. A passkey works only on this site, so it cannot be phished.
passkeys-empty = No passkeys yet.
passkeys-name-label = Name of the new passkey
passkeys-name-hint = For example “Laptop” or “Phone”.
passkeys-password-label = Your password
passkeys-add = Add a passkey
passkeys-adding = Waiting for your device…
passkeys-added = Passkey “{ $name }” added: you can sign in with it now.
passkeys-removed = Passkey “{ $name }” removed.
passkeys-remove = Remove
passkeys-remove-label = Remove the passkey { $name }
passkeys-created = Added { $when }
passkeys-last-used = last used { $when }
passkeys-never-used = not used yet
passkeys-verifies = signs in alone
passkeys-presence-only = asks for your second factor too
field-name-passkey_name = Name
admin-user-passkeys-heading = Passkeys
admin-user-passkeys-empty = No passkeys.
admin-user-passkey-remove = Remove
admin-user-passkey-remove-label = Remove the passkey { $name }
admin-user-passkey-removed = Passkey “{ $name }” removed; the owner was told by mail.
