//! Sign in without the password: the address, then the 6-digit code e-mailed to it, with the code's
//! remaining validity and a resend button that waits out its cooldown, as on the verify page. The answer
//! to the address is the same whether or not it has an account. Opened from the e-mail's link, the page
//! fills in the address and code but waits for the person's click (mail scanners follow links), and sends
//! the link's token beside that code only. An account with an authenticator app then takes the second
//! step.

use crate::countdown::after_seconds;
use crate::i18n::{self, use_lang, Words};
use shared::api::{CodeSentResponse, EmailRequest, LoginCodeRequest, LoginResponse};
use shared::problem::ProblemCode;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::second_factor::SecondFactor;
use super::{use_mailed_link_key, CodeQuery, LinkToken};
use crate::api;
use crate::app::Route;
use crate::code::{boxes_from, joined, CodeBoxes};
use crate::components::{
    CaptchaStatus, Card, CodeInput, Countdown, ErrorBanner, FormField, Notice, ResendButton,
};
use crate::hooks::{
    page_clock, use_captcha, use_countdown, use_form_state, use_session, AuthState,
};
use crate::messages::{check_code, check_email, field_errors, problem_message};
use crate::tickets::{self, Flow};

/// Where the sign-in stands.
#[derive(Clone, PartialEq)]
enum Stage {
    /// The address is asked for.
    Address,
    /// A code is (or may be) on its way: the boxes.
    Code,
    /// The code was right and the account has an authenticator app: its second step, with the token
    /// the code's answer gave (in memory only), and whether a passkey may be that step.
    SecondFactor(String, bool),
}

/// What became of the current code, as far as this page knows.
#[derive(Clone, Copy, PartialEq)]
enum CodeState {
    Usable,
    /// Too many wrong tries: the code is void until a new one is sent.
    Voided,
    /// Past its time, or the server said so.
    Expired,
}

/// The route target: a page of its own for each mailed link opened in this tab.
#[function_component(LoginCode)]
pub fn login_code() -> Html {
    let key = use_mailed_link_key();
    html! { <LoginCodePage {key} /> }
}

#[function_component(LoginCodePage)]
fn login_code_page() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let session = use_session();
    let location = use_location();
    // Read once: the sign-in page's redirect puts the address in the query, a mailed link the address,
    // code and token in the fragment.
    let link = use_memo((), move |_| CodeQuery::of(location.as_ref()));

    let email = use_state(|| link.email.clone().unwrap_or_default());
    let boxes = use_state(|| boxes_from(link.code.as_deref().unwrap_or_default()));
    // The link's token, for as long as its address and code are the ones to send.
    let link_token = use_state(|| LinkToken::of(&link));
    let ticket = use_state(|| {
        link.email
            .as_deref()
            .and_then(|email| tickets::load(Flow::Login, email))
    });
    let stage = use_state(|| {
        // A link's code, or a code this tab asked for before a reload: straight to the boxes.
        if (link.code.is_some() && link.email.is_some()) || ticket.is_some() {
            Stage::Code
        } else {
            Stage::Address
        }
    });
    let resend_at = use_state(|| ticket.as_ref().map(|t| t.deadlines.resend));
    let state = use_state(|| CodeState::Usable);
    let form = use_form_state(&["email", "code"]);
    let banner = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let sending = use_state(|| false);
    let verifying = use_state(|| false);
    let captcha = use_captcha();
    let focus_request = use_state(|| u32::from(*stage == Stage::Code));
    let email_ref = use_node_ref();

    let code_left = use_countdown(ticket.as_ref().map(|t| t.deadlines.code));
    let resend_wait = use_countdown(*resend_at);
    let expired = *state == CodeState::Expired || (ticket.is_some() && code_left == 0);
    let usable = !expired && *state == CodeState::Usable;

    if let AuthState::SignedIn(_) = session.state {
        if !*verifying {
            return html! { <Redirect<Route> to={Route::Dashboard} /> };
        }
    }

    let email_error = form.error_of("email", check_email(lang, &email));
    let code_error = form.error_of("code", check_code(lang, &joined(&boxes)));

    // A code was sent (or a reload found the one sent before): the boxes, ready for it.
    let on_sent = {
        let (ticket, resend_at, state, boxes, form, notice, stage, focus_request) = (
            ticket.clone(),
            resend_at.clone(),
            state.clone(),
            boxes.clone(),
            form.clone(),
            notice.clone(),
            stage.clone(),
            focus_request.clone(),
        );
        let (link_token, navigator) = (link_token.clone(), navigator.clone());
        move |sent: CodeSentResponse, again: bool| {
            // The link's code is void now, and its token with it.
            link_token.set(None);
            let saved = tickets::save(Flow::Login, &sent);
            // A reload comes back to the boxes for this address (the ticket has the rest).
            if let Some(navigator) = &navigator {
                let query = CodeQuery {
                    email: Some(sent.email.clone()),
                    ..CodeQuery::default()
                };
                let _ = navigator.replace_with_query(&Route::LoginCode, &query);
            }
            resend_at.set(Some(saved.deadlines.resend));
            let id = if again {
                "login-code-notice-resent"
            } else {
                "login-code-notice-sent"
            };
            notice.set(Some(
                i18n::current().tf(id, &[("email", (&sent.email).into())]),
            ));
            ticket.set(Some(saved));
            state.set(CodeState::Usable);
            boxes.set(CodeBoxes::default());
            form.set_server_errors(Default::default());
            stage.set(Stage::Code);
            focus_request.set(focus_request.wrapping_add(1));
        }
    };

    // Asks for a code, from the address form (`again` false) or the resend button (true).
    let request_code = {
        let (email, form, banner, notice, sending, resend_at, stage, focus_request) = (
            email.clone(),
            form.clone(),
            banner.clone(),
            notice.clone(),
            sending.clone(),
            resend_at.clone(),
            stage.clone(),
            focus_request.clone(),
        );
        let (captcha, email_ref) = (captcha.clone(), email_ref.clone());
        Callback::from(move |again: bool| {
            if *sending {
                return;
            }
            form.touch("email");
            if check_email(lang, &email).is_some() {
                if let Some(input) = email_ref.cast::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
                return;
            }
            let request = EmailRequest {
                email: email.trim().to_owned(),
            };
            let (form, banner, notice, sending, resend_at, stage, focus_request) = (
                form.clone(),
                banner.clone(),
                notice.clone(),
                sending.clone(),
                resend_at.clone(),
                stage.clone(),
                focus_request.clone(),
            );
            let (captcha, on_sent) = (captcha.clone(), on_sent.clone());
            sending.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = captcha
                    .call(|solution| api::login_code(&request, solution))
                    .await;
                sending.set(false);
                let problem = match result {
                    Ok(sent) => return on_sent(sent, again),
                    Err(problem) => problem,
                };
                if let Some(secs) = problem.retry_after {
                    resend_at.set(Some(after_seconds(page_clock(), secs)));
                }
                notice.set(None);
                match problem.code {
                    // A code went out a moment ago: it may well be in the mailbox already.
                    ProblemCode::ResendCooldown => {
                        form.set_server_error("code", problem_message(lang, &problem));
                        if !again {
                            stage.set(Stage::Code);
                            focus_request.set(focus_request.wrapping_add(1));
                        }
                    }
                    ProblemCode::ValidationFailed => {
                        match field_errors(lang, &problem).into_iter().next() {
                            Some((_, message)) if !again => form.set_server_error("email", message),
                            _ => banner.set(Some(problem_message(lang, &problem))),
                        }
                    }
                    _ => banner.set(Some(problem_message(lang, &problem))),
                }
            });
        })
    };

    let on_send = request_code.reform(|e: SubmitEvent| {
        e.prevent_default();
        false
    });
    let on_resend = request_code.reform(|()| true);

    let onsubmit = {
        let (email, boxes, form, state, banner, notice, verifying, stage) = (
            email.clone(),
            boxes.clone(),
            form.clone(),
            state.clone(),
            banner.clone(),
            notice.clone(),
            verifying.clone(),
            stage.clone(),
        );
        let (focus_request, session, navigator, link_token) = (
            focus_request.clone(),
            session.clone(),
            navigator.clone(),
            link_token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *verifying || !usable {
                return;
            }
            form.touch_all();
            if check_code(lang, &joined(&boxes)).is_some() {
                focus_request.set(focus_request.wrapping_add(1));
                return;
            }
            let code = joined(&boxes);
            let request = LoginCodeRequest {
                email: email.trim().to_owned(),
                link_token: link_token
                    .as_ref()
                    .and_then(|link| link.for_code(&email, &code)),
                code,
            };
            let (form, state, banner, notice, verifying, boxes, stage) = (
                form.clone(),
                state.clone(),
                banner.clone(),
                notice.clone(),
                verifying.clone(),
                boxes.clone(),
                stage.clone(),
            );
            let (focus_request, session, navigator) =
                (focus_request.clone(), session.clone(), navigator.clone());
            verifying.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = api::login_code_verify(&request).await;
                verifying.set(false);
                let problem = match result {
                    Ok(LoginResponse::Tokens(tokens)) => {
                        tickets::clear(Flow::Login);
                        session.sign_in(tokens);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Dashboard);
                        }
                        return;
                    }
                    Ok(LoginResponse::MfaRequired(required)) => {
                        // The code is spent: only the second step is left.
                        tickets::clear(Flow::Login);
                        notice.set(None);
                        let passkey = required.methods.iter().any(|m| m == "passkey");
                        stage.set(Stage::SecondFactor(required.mfa_token, passkey));
                        return;
                    }
                    Err(problem) => problem,
                };
                notice.set(None);
                let message = problem_message(lang, &problem);
                match problem.code {
                    ProblemCode::InvalidCode => {
                        form.set_server_error("code", message);
                        boxes.set(CodeBoxes::default());
                        focus_request.set(focus_request.wrapping_add(1));
                    }
                    ProblemCode::TooManyAttempts => {
                        state.set(CodeState::Voided);
                        form.set_server_error("code", message);
                    }
                    ProblemCode::CodeExpired => {
                        state.set(CodeState::Expired);
                        form.set_server_errors(Default::default());
                    }
                    ProblemCode::ValidationFailed => {
                        let errors: Vec<_> = field_errors(lang, &problem);
                        match errors.iter().find(|(field, _)| field == "email") {
                            // The address is not on show here: it goes back to its form.
                            Some((_, text)) => {
                                form.set_server_error("email", text.clone());
                                stage.set(Stage::Address);
                            }
                            None => form.set_server_error(
                                "code",
                                errors.into_iter().next().map_or(message, |(_, text)| text),
                            ),
                        }
                    }
                    _ => banner.set(Some(message)),
                }
            });
        })
    };

    // A changed address has its own ticket (or none), and the link's token no longer goes with it.
    let on_email = {
        let ticket = ticket.clone();
        form.on_change_and(&email, "email", move |v: &String| {
            ticket.set(tickets::load(Flow::Login, v));
        })
    };

    // Back to the address: another one, or the same one once the second step ran out.
    let to_address = {
        let (stage, state, banner, notice, form, link_token, boxes) = (
            stage.clone(),
            state.clone(),
            banner.clone(),
            notice.clone(),
            form.clone(),
            link_token.clone(),
            boxes.clone(),
        );
        Callback::from(move |explanation: Option<String>| {
            link_token.set(None);
            boxes.set(CodeBoxes::default());
            state.set(CodeState::Usable);
            form.clear();
            notice.set(None);
            banner.set(explanation);
            stage.set(Stage::Address);
        })
    };

    match (*stage).clone() {
        Stage::SecondFactor(token, passkey) => html! {
            <SecondFactor mfa_token={token} {passkey} on_expired={to_address.reform(Some)}
                          on_cancel={to_address.reform(|()| None)} cancel_label={lang.t("login-code-start-again")} />
        },
        Stage::Address => {
            let lead = html! {
                { lang.t("login-code-lead") }
            };
            html! {
                <Card title={lang.t("login-code-title")} lead={lead}>
                    <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
                    <form class="form" novalidate=true onsubmit={on_send}>
                        <FormField id="login-code-email" label="E-mail address" kind="email" value={(*email).clone()}
                                   oninput={on_email} onblur={form.on_blur("email")} error={email_error}
                                   autocomplete="email" inputmode="email" autofocus=true
                                   node_ref={email_ref.clone()} />
                        <CaptchaStatus solving={captcha.solving} />
                        <button type="submit" class="button button-primary button-block" id="login-code-send"
                                data-testid="login-code-send" disabled={*sending}>
                            { if *sending { lang.t("login-code-sending") } else { lang.t("login-code-send") } }
                        </button>
                    </form>
                    <p class="aside">
                        <Link<Route> to={Route::Login} classes="link">
                            <span id="password-login-link" data-testid="password-login-link">{ lang.t("login-code-password-link") }</span>
                        </Link<Route>>
                    </p>
                </Card>
            }
        }
        Stage::Code => {
            let lead = html! {
                <>
                    { lang.t("login-code-lead-sent-before") }
                    <strong id="login-code-address" data-testid="login-code-address">{ email.trim().to_owned() }</strong>
                    { lang.t("login-code-lead-sent-after") }
                </>
            };
            html! {
                <Card title={lang.t("login-code-title")} lead={lead}>
                    <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
                    <Notice testid="notice-banner" message={(*notice).clone().map(AttrValue::from)} />
                    <form class="form" novalidate=true {onsubmit}>
                        <CodeInput value={(*boxes).clone()} onchange={form.on_change(&boxes, "code")}
                                   invalid={code_error.is_some()} disabled={!usable}
                                   describedby="code-error code-status" focus_request={*focus_request} />
                        <p class="field-error" id="code-error" data-testid="code-error" aria-live="polite">
                            { code_error.as_deref().map(|e| i18n::in_language(e, lang)).unwrap_or_default() }
                        </p>
                        <div id="code-status">
                            if expired {
                                <p class="expired" role="alert" data-testid="code-expired">
                                    <strong>{ lang.t("login-code-expired") }</strong>
                                    { " " }{ lang.t("login-code-expired-send-new") }
                                </p>
                            } else if ticket.is_some() {
                                <Countdown remaining={code_left} label={lang.t("login-code-countdown-label")} testid="code-countdown" />
                            } else {
                                <p class="hint">{ lang.t("login-code-codes-valid") }</p>
                            }
                        </div>
                        <div class="actions">
                            <button type="submit" class="button button-primary" id="login-code-submit"
                                    data-testid="login-code-submit" disabled={*verifying || !usable}>
                                { if *verifying { lang.t("login-code-submitting") } else { lang.t("login-code-submit") } }
                            </button>
                            <ResendButton wait={resend_wait} busy={*sending} onclick={on_resend} />
                        </div>
                        <CaptchaStatus solving={captcha.solving} />
                    </form>
                    <p class="aside">
                        <button type="button" class="link-button" id="login-code-change-address"
                                data-testid="login-code-change-address" onclick={to_address.reform(|_: MouseEvent| None)}>
                            { lang.t("login-code-change-address") }
                        </button>
                    </p>
                    <p class="aside">
                        <Link<Route> to={Route::Login} classes="link">
                            <span id="password-login-link" data-testid="password-login-link">{ lang.t("login-code-password-link") }</span>
                        </Link<Route>>
                    </p>
                </Card>
            }
        }
    }
}
