//! The routes, the page frame and the session context.
//!
//! Stable hooks for end-to-end tests (an input's `id` equals its `data-testid`; the message under a field
//! is `{id}-error`):
//!
//! | page | elements |
//! |---|---|
//! | every page | `error-banner` (role=alert), `notice-banner` (role=status), `page-title` (the h1, which takes the focus after every navigation unless the page put it in a field) |
//! | `/register` | `register-username`, `register-email`, `register-password`, `register-submit`, `login-link` |
//! | `/verify` | `verify-email-address` (the address shown) or the `verify-email` field, `code-digit-0` … `code-digit-5`, `code-error`, `verify-password` (only when this tab holds no registration token; its hint is `#verify-password-hint`), `verify-submit`, `resend-button` (`aria-disabled="true"` while it waits, never `disabled`), `resend-countdown` (while the resend waits), `resend-status` (role=status: "You can ask for a new code now." once a wait ended), `code-countdown` (its `data-remaining` holds the seconds left), `code-expired` (the expired notice), `back-to-register`; when the registration lost out: `username-taken` with `register-again`, or `already-registered` with `sign-in-link` and `reset-password-link` |
//! | `/login` | `login-login`, `login-password`, `login-submit`, `login-code-link`, `forgot-password-link`, `register-link`; for an account with an authenticator app, the second step replaces the form (below) |
//! | second step (`/login`, `/login/code`) | `mfa-form`, the app's code in `code-digit-0` … `code-digit-5`, `mfa-code-switch` (to a recovery code and back; `mfa-code` has `data-kind="app"` or `"recovery"`), `mfa-code-recovery` (the recovery code's field), `mfa-code-error`, `mfa-submit`, `mfa-cancel` (back to the first step); an expired or voided step goes back to the first step with its reason in `error-banner` |
//! | `/login/code` | `login-code-email`, `login-code-send`, `password-login-link`; once a code is sent (or opened from the mail's link): `login-code-address`, `code-digit-0` … `code-digit-5`, `code-error`, `code-countdown`, `code-expired`, `login-code-submit`, `resend-button`, `resend-countdown`, `login-code-change-address` |
//! | `/dashboard` | `dashboard-username`, `dashboard-email`, `dashboard-verified`, `dashboard-mfa` ("On"/"Off", `data-enabled`), `security-link`, `dashboard-created`, `session-list`, `session-row` (one per session, `data-current="true"` for this one), `revoke-session` (its button), `logout-button`; the password form: `change-current-password`, `change-new-password` (errors under them in `change-current-password-error`, `change-new-password-error`), `change-password-submit`, `change-password-error` (role=alert), `change-password-notice` (role=status: "Password changed. Other devices were signed out.") |
//! | `/security` | `security-status` (`data-enabled`), `security-back`; off: `totp-setup-start`, then `totp-setup` with `totp-qr` (an `<img>` of the server's SVG), `totp-secret` (in groups of four), `totp-open-app` (the `otpauth:` link), `code-digit-0` … `code-digit-5`, `code-error`, `totp-enable-submit`, `totp-setup-cancel`; the codes, once: `recovery-codes-panel`, `recovery-codes` (one `recovery-code` each), `recovery-codes-copy`, `recovery-codes-download`, `recovery-codes-print`, `recovery-codes-status` (role=status), `recovery-codes-done`; on: `recovery-codes-regenerate`, `totp-disable`, each opening `security-confirm` with `security-password`, `security-code` (boxes, `security-code-switch`, `security-code-recovery`, `security-code-error`), `security-confirm-submit`, `security-confirm-cancel` |
//! | `/security`, below | `download-data`, `download-data-status` (role=status: "Saved as otp-portal-export-<username>.json, …"), `delete-account`, opening `delete-account-panel` with `delete-account-consequence`, `delete-password`, when the app is on `delete-code` (boxes `code-digit-0` … `code-digit-5`, `delete-code-switch`, `delete-code-recovery`, `delete-code-error`), `delete-account-error` (role=alert), `delete-confirm`, `delete-cancel`; once deleted, `/register` with "Your account was deleted…" in `notice-banner` |
//! | header | `nav-admin` (the "Admin" link, for admins only) |
//! | footer | `language-select` (a `<select>` of the language codes, `en`, `de`; `<html lang>` follows it) |
//! | every `/admin` page | `admin-nav` with `admin-nav-overview`, `admin-nav-users`, `admin-nav-mail`, `admin-nav-codes`, `admin-nav-audit` (`aria-current` on the open one); refusals: `admin-forbidden` (not an admin), `admin-mfa-required` (with `admin-mfa-link` to `/security`), `admin-load-error`; under a list: `pager-previous`, `pager-next` (links, when there is such a page), `pager-status` (`data-page`, `data-total`) |
//! | `/admin` | `admin-totals` (`dd[data-series][data-total]`), `admin-charts` with one `figure#chart-<series>` per series: `.chart-total[data-total]` and `svg.chart[data-series]` (`registrations`, `verifications`, `logins`, `failed_logins`, `mails_failed`; `role=img`, its `<title>` and `<desc>`), one `rect[data-date][data-value]` per day; `table.admin-stats` (in a `<details>`) |
//! | `/admin/users` | `admin-user-search` (`-submit`, `-clear`), `admin-user-state` (a select), `table.admin-users` with one `tr[data-user-id][data-state]` per account whose first cell's `a` opens its page, `.state-badge[data-state]`, `admin-users-empty`; `q`, `state` and `page` are the URL's query |
//! | `/admin/users/:id` | `admin-user-state` (holding the `.state-badge`), `admin-user-username`, `admin-user-email`, `admin-user-role`, `admin-user-mfa` (`data-enabled`), `admin-disable` (active accounts), `admin-enable` (disabled ones), `admin-revoke` (not for pending registrations), `admin-delete`, opening `admin-delete-panel` with `admin-delete-consequence`, `admin-delete-confirm`, `admin-delete-cancel`; `admin-sessions` (`li[data-session-id]`), `admin-timeline` (`.timeline li[data-kind]`, newest first), `admin-mails` (`.mail-list li[data-mail-id][data-status][data-kind][data-channel]`), `admin-codes` (`.code-list li[data-event][data-purpose]`), `admin-user-audit-link`, `admin-user-missing`; an action's outcome in `notice-banner` or `error-banner`; a deletion goes to `/admin/users`, which says so in `notice-banner` |
//! | `/admin/mail` | `admin-mail-recipient` (`-submit`, `-clear`), `admin-mail-status`, `admin-mail-channel` (mails, webhooks), `table.admin-mail` with `tr[data-mail-id][data-status][data-kind][data-channel]`, `admin-mail-empty` |
//! | `/admin/codes` | `admin-codes-email` (`-submit`, `-clear`), `admin-codes-purpose`, `table.admin-codes` with `tr[data-event][data-purpose]`, `admin-codes-empty` |
//! | `/admin/audit` | `admin-audit-user` (an account id; `-submit`, `-clear`), `admin-audit-kind`, `table.admin-audit` with `tr[data-kind][data-event-id]`, `admin-audit-empty` |
//! | `/forgot-password` | `forgot-email`, `forgot-submit`, `have-code-link` |
//! | `/reset-password` | `reset-email`, `code-digit-0` … `code-digit-5`, `code-error`, `reset-password`, `reset-submit`, `resend-button`, `code-countdown` |
//! | `/register`, `/verify`, `/forgot-password`, `/reset-password`, `/login/code` | `captcha-status` (role=status; empty, `data-solving="false"`, until the server asks for a CAPTCHA, then "Checking you're not a robot…" with `data-solving="true"` while the browser solves it) |
//! | any other path | `not-found` |
//!
//! Field errors appear once a field has lost focus with something typed in it, or the form was submitted,
//! and from then on follow every keystroke.

use yew::prelude::*;
use yew_router::prelude::*;

use uuid::Uuid;

use shared::api::User;
use yew::platform::spawn_local;

use crate::api;
use crate::components::{focus_heading_after_navigation, LanguageSwitch};
use crate::hooks::{use_session, AuthState, SessionProvider};
use crate::i18n::{use_lang, use_language, Language, LanguageProvider, Words};
use crate::pages::admin::{
    is_admin, AdminAudit, AdminCodes, AdminMail, AdminOverview, AdminUserPage, AdminUsers,
};
use crate::pages::{
    Dashboard, ForgotPassword, Login, LoginCode, NotFound, Register, ResetPassword, Security,
    Verify,
};

#[derive(Clone, Routable, PartialEq, Debug)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/register")]
    Register,
    #[at("/verify")]
    Verify,
    #[at("/login")]
    Login,
    #[at("/login/code")]
    LoginCode,
    #[at("/dashboard")]
    Dashboard,
    #[at("/security")]
    Security,
    #[at("/forgot-password")]
    ForgotPassword,
    #[at("/reset-password")]
    ResetPassword,
    #[at("/admin")]
    Admin,
    #[at("/admin/users")]
    AdminUsers,
    #[at("/admin/users/:id")]
    AdminUser { id: Uuid },
    #[at("/admin/mail")]
    AdminMail,
    #[at("/admin/codes")]
    AdminCodes,
    #[at("/admin/audit")]
    AdminAudit,
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Register => html! { <Register /> },
        Route::Verify => html! { <Verify /> },
        Route::Login => html! { <Login /> },
        Route::LoginCode => html! { <LoginCode /> },
        Route::Dashboard => html! { <Dashboard /> },
        Route::Security => html! { <Security /> },
        Route::ForgotPassword => html! { <ForgotPassword /> },
        Route::ResetPassword => html! { <ResetPassword /> },
        Route::Admin => html! { <AdminOverview /> },
        Route::AdminUsers => html! { <AdminUsers /> },
        Route::AdminUser { id } => html! { <AdminUserPage {id} /> },
        Route::AdminMail => html! { <AdminMail /> },
        Route::AdminCodes => html! { <AdminCodes /> },
        Route::AdminAudit => html! { <AdminAudit /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

/// `/` sends a signed-in person to the dashboard and everyone else to registration.
#[function_component(Home)]
fn home() -> Html {
    match use_session().state {
        AuthState::Restoring => html! { <Loading /> },
        AuthState::SignedIn(_) => html! { <Redirect<Route> to={Route::Dashboard} /> },
        AuthState::SignedOut => html! { <Redirect<Route> to={Route::Register} /> },
    }
}

#[function_component(Loading)]
pub fn loading() -> Html {
    let lang = use_lang();
    html! {
        <p class="loading" role="status" data-testid="loading">{ lang.t("app-loading") }</p>
    }
}

#[function_component(Header)]
fn header() -> Html {
    let lang = use_lang();
    let session = use_session();
    html! {
        <header class="topbar">
            <Link<Route> to={Route::Home} classes="brand">
                <span class="brand-mark" aria-hidden="true">{ "●" }</span>{ lang.t("app-brand") }
            </Link<Route>>
            <nav aria-label={lang.t("app-nav-label")}>
                if let Some(user) = session.user() {
                    if is_admin(user) {
                        <Link<Route> to={Route::Admin} classes="nav-link nav-admin">
                            <span id="nav-admin" data-testid="nav-admin">{ lang.t("app-nav-admin") }</span>
                        </Link<Route>>
                    }
                    <Link<Route> to={Route::Dashboard} classes="nav-link">{ user.username.clone() }</Link<Route>>
                } else {
                    <Link<Route> to={Route::Login} classes="nav-link">{ lang.t("app-nav-login") }</Link<Route>>
                    <Link<Route> to={Route::Register} classes="nav-link">{ lang.t("app-nav-register") }</Link<Route>>
                }
            </nav>
        </header>
    }
}

/// Moves the focus to the new page's heading on every navigation (a path that changed), whichever page
/// it is; the first page load keeps the browser's own start.
#[function_component(FocusOnNavigation)]
fn focus_on_navigation() -> Html {
    let path = use_location().map(|l| l.path().to_owned());
    let first = use_mut_ref(|| true);
    use_effect_with(path, move |_| {
        if !first.replace(false) {
            focus_heading_after_navigation();
        }
    });
    Html::default()
}

/// The account's language becomes the client's when someone signs in (or a reload restores the
/// session), so the pages speak the language the account's mails are written in.
#[function_component(FollowAccountLanguage)]
fn follow_account_language() -> Html {
    let session = use_session();
    let choice = use_language();
    let account = session.user().map(|user| (user.id, user.language));
    use_effect_with(account.map(|(id, _)| id), move |_| {
        if let Some((_, language)) = account {
            if language != choice.current {
                choice.choose(language);
            }
        }
    });
    Html::default()
}

/// The page footer with the language switch. A switch while signed in is stored with the account too,
/// so the mails follow it.
#[function_component(Footer)]
fn footer() -> Html {
    let lang = use_lang();
    let session = use_session();
    let choice = use_language();
    let onchange = Callback::from(move |language: Language| {
        choice.choose(language);
        if let Some(user) = session.user().cloned() {
            // Kept with the session's copy of the account too, so nothing switches it back.
            session.update_user(User { language, ..user });
            let session = session.clone();
            spawn_local(async move {
                // A failure leaves the mails in the account's earlier language; the page itself has
                // switched, and the next switch (or sign-in) tries again.
                let _ = session
                    .authed(|token| api::set_language(token, language))
                    .await;
            });
        }
    });
    html! {
        <footer class="footer">
            <span>{ lang.t("app-footer") }</span>
            <LanguageSwitch {onchange} />
        </footer>
    }
}

#[function_component(Frame)]
fn frame() -> Html {
    let lang = use_lang();
    html! {
        <>
            <a class="skip-link" href="#main">{ lang.t("app-skip-link") }</a>
            <FocusOnNavigation />
            <FollowAccountLanguage />
            <Header />
            <main id="main" class="page" tabindex="-1">
                <Switch<Route> render={switch} />
            </main>
            <Footer />
        </>
    }
}

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <LanguageProvider>
                <SessionProvider>
                    <Frame />
                </SessionProvider>
            </LanguageProvider>
        </BrowserRouter>
    }
}
