//! Sign in with the username or the e-mail address. An unconfirmed account is sent on to the verify page;
//! an account with an authenticator app goes on to the second step. Or sign in by e-mailed code instead.

use std::collections::BTreeMap;

use shared::api::{LoginRequest, LoginResponse};
use shared::problem::ProblemCode;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::second_factor::SecondFactor;
use super::{CodeQuery, LoginQuery};
use crate::api;
use crate::app::Route;
use crate::components::{Card, ErrorBanner, FormField, Notice};
use crate::hooks::{use_form_state, use_session, AuthState};
use crate::i18n::{use_lang, Language, Words};
use crate::messages::{check_required, problem_message};
use crate::passkeys::PasskeySignIn;

fn notice_text(lang: Language, key: Option<&str>) -> Option<String> {
    let id = match key? {
        "password-reset" => "login-notice-password-reset",
        "signed-out" => "login-notice-signed-out",
        "session-ended" => "login-notice-session-ended",
        _ => return None,
    };
    Some(lang.t(id))
}

#[function_component(Login)]
pub fn login() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let session = use_session();
    let query = use_location()
        .and_then(|l| l.query::<LoginQuery>().ok())
        .unwrap_or_default();
    let login = use_state(String::new);
    let password = use_state(String::new);
    let form = use_form_state(&["login", "password"]);
    let banner = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let refs = use_memo((), |_| [NodeRef::default(), NodeRef::default()]);
    // The first step's answer for an account with a second factor, kept in memory only.
    let mfa_token = use_state(|| None::<String>);
    // Whether that second step may be a passkey (the account has one, and the first step was not one).
    let passkey_step = use_state(|| false);
    // Back from the second step: the password takes the caret, not the login.
    let returned = use_state(|| false);

    if let AuthState::SignedIn(_) = session.state {
        if !*busy {
            return html! { <Redirect<Route> to={Route::Dashboard} /> };
        }
    }

    let login_error = form.error_of("login", check_required(lang, "login", &login));
    let password_error = form.error_of("password", check_required(lang, "password", &password));

    let onsubmit = {
        let (login, password, form, banner, busy) = (
            login.clone(),
            password.clone(),
            form.clone(),
            banner.clone(),
            busy.clone(),
        );
        let (refs, session, navigator, mfa_token, passkey_step) = (
            refs.clone(),
            session.clone(),
            navigator.clone(),
            mfa_token.clone(),
            passkey_step.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            let checks = [
                check_required(lang, "login", &login),
                check_required(lang, "password", &password),
            ];
            if let Some(first) = checks.iter().position(Option::is_some) {
                if let Some(input) = refs[first].cast::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
                return;
            }
            let request = LoginRequest {
                login: login.trim().to_owned(),
                password: (*password).clone(),
            };
            let (form, banner, busy, session, navigator, refs) = (
                form.clone(),
                banner.clone(),
                busy.clone(),
                session.clone(),
                navigator.clone(),
                refs.clone(),
            );
            let (mfa_token, passkey_step) = (mfa_token.clone(), passkey_step.clone());
            busy.set(true);
            banner.set(None);
            form.set_server_errors(BTreeMap::new());
            spawn_local(async move {
                let result = api::login(&request).await;
                busy.set(false);
                match result {
                    Ok(LoginResponse::Tokens(tokens)) => {
                        session.sign_in(tokens);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Dashboard);
                        }
                    }
                    Ok(LoginResponse::MfaRequired(required)) => {
                        passkey_step.set(required.methods.iter().any(|m| m == "passkey"));
                        mfa_token.set(Some(required.mfa_token));
                    }
                    Err(problem) => match problem.code {
                        ProblemCode::EmailNotVerified => {
                            let query = CodeQuery {
                                email: request.login.contains('@').then(|| request.login.clone()),
                                reason: Some("unverified".to_owned()),
                                ..CodeQuery::default()
                            };
                            if let Some(navigator) = navigator {
                                let _ = navigator.push_with_query(&Route::Verify, &query);
                            }
                        }
                        ProblemCode::InvalidCredentials => {
                            form.set_server_error("password", problem_message(lang, &problem));
                            if let Some(input) = refs[1].cast::<web_sys::HtmlInputElement>() {
                                let _ = input.focus();
                                input.select();
                            }
                        }
                        _ => banner.set(Some(problem_message(lang, &problem))),
                    },
                }
            });
        })
    };

    // Back to the password, which is typed again: the first step's answer is spent or abandoned.
    let back_to_password = {
        let (mfa_token, password, banner, form, returned) = (
            mfa_token.clone(),
            password.clone(),
            banner.clone(),
            form.clone(),
            returned.clone(),
        );
        Callback::from(move |explanation: Option<String>| {
            mfa_token.set(None);
            password.set(String::new());
            form.clear();
            banner.set(explanation);
            returned.set(true);
        })
    };
    if let Some(token) = (*mfa_token).clone() {
        return html! {
            <SecondFactor mfa_token={token} passkey={*passkey_step} on_expired={back_to_password.reform(Some)}
                          on_cancel={back_to_password.reform(|()| None)} cancel_label={lang.t("login-back-to-password")} />
        };
    }

    let on_passkey = {
        let (session, navigator, mfa_token, passkey_step) = (
            session.clone(),
            navigator.clone(),
            mfa_token.clone(),
            passkey_step.clone(),
        );
        Callback::from(move |response: LoginResponse| match response {
            LoginResponse::Tokens(tokens) => {
                session.sign_in(tokens);
                if let Some(navigator) = &navigator {
                    navigator.push(&Route::Dashboard);
                }
            }
            LoginResponse::MfaRequired(required) => {
                passkey_step.set(required.methods.iter().any(|m| m == "passkey"));
                mfa_token.set(Some(required.mfa_token));
            }
        })
    };
    let on_passkey_error = {
        let banner = banner.clone();
        Callback::from(move |message: String| banner.set(Some(message)))
    };

    // The address typed as the login, if it is one, goes along to the page that e-mails a code.
    let by_code = CodeQuery {
        email: login
            .contains('@')
            .then(|| login.trim().to_owned())
            .filter(|e| !e.is_empty()),
        ..CodeQuery::default()
    };

    html! {
        <Card title={lang.t("login-title")}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="notice-banner" message={notice_text(lang, query.notice.as_deref()).map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                <FormField id="login-login" label={lang.t("login-login-label")} value={(*login).clone()}
                           oninput={form.on_change(&login, "login")} onblur={form.on_blur("login")} error={login_error}
                           autocomplete="username webauthn" autofocus={!*returned} node_ref={refs[0].clone()} />
                <FormField id="login-password" label={lang.t("login-password-label")} kind="password" value={(*password).clone()}
                           oninput={form.on_change(&password, "password")} onblur={form.on_blur("password")} error={password_error}
                           autocomplete="current-password" autofocus={*returned} node_ref={refs[1].clone()} />
                <button type="submit" class="button button-primary button-block" id="login-submit"
                        data-testid="login-submit" disabled={*busy}>
                    { lang.t(if *busy { "login-submitting" } else { "login-submit" }) }
                </button>
            </form>
            <PasskeySignIn on_result={on_passkey} on_error={on_passkey_error} />
            <p class="aside">
                <Link<Route, CodeQuery> to={Route::LoginCode} query={Some(by_code)} classes="link">
                    <span id="login-code-link" data-testid="login-code-link">{ lang.t("login-code-link") }</span>
                </Link<Route, CodeQuery>>
            </p>
            <p class="aside">
                <Link<Route> to={Route::ForgotPassword} classes="link">
                    <span data-testid="forgot-password-link">{ lang.t("login-forgot-password-link") }</span>
                </Link<Route>>
            </p>
            <p class="aside">
                { lang.t("login-new-here") }{ " " }
                <Link<Route> to={Route::Register} classes="link">
                    <span data-testid="register-link">{ lang.t("login-register-link") }</span>
                </Link<Route>>
            </p>
        </Card>
    }
}
