//! Confirm the address with the e-mailed code: six boxes, the code's remaining validity, a resend button
//! that waits out its cooldown, and a way back to registration once the code has expired. Only the party
//! that chose the password may confirm: the tab that registered sends the registration token it keeps;
//! anywhere else (the mailed link opened on another device, a sign-in) the page asks for the password.
//! Opened from the e-mail's link, it fills in the address and code but waits for the person's click, and
//! sends the link's token beside that code, which lets it through even while the address refuses codes
//! typed alone.

use crate::countdown::after_seconds;
use crate::i18n::{self, use_lang, Language, Words};
use shared::api::{
    CodePurpose, CodeSentResponse, CodeStatusRequest, ResendCodeRequest, VerifyEmailRequest,
};
use shared::problem::{Problem, ProblemCode};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{use_mailed_link_key, CodeQuery, LinkToken};
use crate::api;
use crate::app::Route;
use crate::code::{boxes_from, joined, CodeBoxes};
use crate::components::{
    CaptchaStatus, Card, CodeInput, Countdown, ErrorBanner, FormField, Notice, ResendButton,
};
use crate::hooks::{page_clock, use_captcha, use_countdown, use_form_state, use_session};
use crate::messages::{
    check_code, check_email, check_required, field_errors, problem_message, verify_problem_message,
    Proof,
};
use crate::registration_token;
use crate::tickets::{self, Flow};

/// What became of the current code, as far as this page knows.
#[derive(Clone, Copy, PartialEq)]
enum CodeState {
    Usable,
    /// Five wrong tries: the code is void until a new one is sent.
    Voided,
    /// Past its time, or the server said so.
    Expired,
    /// Another registration of the username was confirmed first; this one is gone.
    UsernameTaken,
    /// The address got an account meanwhile; this registration is gone.
    AlreadyRegistered,
}

impl CodeState {
    /// The registration can no longer become an account: neither a code nor a resend helps.
    fn lost(self) -> bool {
        matches!(self, Self::UsernameTaken | Self::AlreadyRegistered)
    }
}

/// The route target: a page of its own for each mailed link opened in this tab.
#[function_component(Verify)]
pub fn verify() -> Html {
    let key = use_mailed_link_key();
    html! { <VerifyPage {key} /> }
}

#[function_component(VerifyPage)]
fn verify_page() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let session = use_session();
    let location = use_location();
    // Read once: a later change of the fragment (the skip link's `#main`) must not reshape the page.
    let link = use_memo((), move |_| CodeQuery::of(location.as_ref()));
    let from_link = link.email.clone();

    let email = use_state(|| from_link.clone().unwrap_or_default());
    let boxes = use_state(|| boxes_from(link.code.as_deref().unwrap_or_default()));
    // The link's token, for as long as its code is the one to send (see `LinkToken::for_code`).
    let link_token = use_state(|| LinkToken::of(&link));
    let password = use_state(String::new);
    let ticket = use_state(|| {
        from_link
            .as_deref()
            .and_then(|email| tickets::load(Flow::Verify, email))
    });
    let resend_at = use_state(|| ticket.as_ref().map(|t| t.deadlines.resend));
    let state = use_state(|| CodeState::Usable);
    let form = use_form_state(&["email", "code", "password"]);
    let banner = use_state(|| None::<String>);
    let notice = use_state(|| {
        (link.reason.as_deref() == Some("unverified")).then(|| lang.t("verify-notice-unverified"))
    });
    let verifying = use_state(|| false);
    let resending = use_state(|| false);
    let captcha = use_captcha();
    let focus_request = use_state(|| if link.code.is_some() { 0 } else { 1 });
    let password_ref = use_node_ref();

    // Read on every render: the token appears with a registration in this tab and goes once it is spent.
    let proof = match registration_token::load(&email) {
        Some(_) => Proof::Token,
        None => Proof::Password,
    };
    // Opened from the mail in a browser that did not ask for the code (another device): the server says
    // how long the link's code has left, so this page counts down too.
    {
        let (ticket, resend_at, link) = (ticket.clone(), resend_at.clone(), link.clone());
        use_effect_with((), move |_| {
            let request = match (&link.email, &link.code, &link.link) {
                (Some(email), Some(code), Some(token)) if ticket.is_none() => {
                    Some(CodeStatusRequest {
                        email: email.clone(),
                        code: joined(&boxes_from(code)),
                        link_token: token.clone(),
                        purpose: CodePurpose::VerifyEmail,
                    })
                }
                _ => None,
            };
            if let Some(request) = request {
                spawn_local(async move {
                    // Without an answer the page works as before, only without its countdown.
                    if let Ok(sent) = api::code_status(&request).await {
                        let saved = tickets::save(Flow::Verify, &sent);
                        resend_at.set(Some(saved.deadlines.resend));
                        ticket.set(Some(saved));
                    }
                });
            }
        });
    }
    let code_left = use_countdown(ticket.as_ref().map(|t| t.deadlines.code));
    let resend_wait = use_countdown(*resend_at);
    let expired = *state == CodeState::Expired || (ticket.is_some() && code_left == 0);
    let usable = !expired && *state == CodeState::Usable;

    let email_error = form.error_of("email", check_email(lang, &email));
    let code_error = form.error_of("code", check_code(lang, &joined(&boxes)));
    let password_error = form.error_of("password", check_required(lang, "password", &password));

    let on_sent = {
        let (ticket, resend_at, state, boxes, form, notice, focus_request) = (
            ticket.clone(),
            resend_at.clone(),
            state.clone(),
            boxes.clone(),
            form.clone(),
            notice.clone(),
            focus_request.clone(),
        );
        let link_token = link_token.clone();
        move |sent: CodeSentResponse| {
            // The link's code is void now, and its token with it.
            link_token.set(None);
            let saved = tickets::save(Flow::Verify, &sent);
            resend_at.set(Some(saved.deadlines.resend));
            notice.set(Some(
                i18n::current().tf("verify-notice-resent", &[("email", (&sent.email).into())]),
            ));
            ticket.set(Some(saved));
            state.set(CodeState::Usable);
            boxes.set(CodeBoxes::default());
            form.set_server_errors(Default::default());
            focus_request.set(*focus_request + 1);
        }
    };

    let on_resend = {
        let (email, form, banner, resending, resend_at, notice) = (
            email.clone(),
            form.clone(),
            banner.clone(),
            resending.clone(),
            resend_at.clone(),
            notice.clone(),
        );
        let captcha = captcha.clone();
        Callback::from(move |()| {
            if check_email(lang, &email).is_some() {
                form.touch("email");
                return;
            }
            let request = ResendCodeRequest {
                email: email.trim().to_owned(),
                registration_token: registration_token::load(&email),
            };
            let (form, banner, resending, resend_at, notice, on_sent) = (
                form.clone(),
                banner.clone(),
                resending.clone(),
                resend_at.clone(),
                notice.clone(),
                on_sent.clone(),
            );
            let captcha = captcha.clone();
            resending.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = captcha
                    .call(|solution| api::resend_code(&request, solution))
                    .await;
                resending.set(false);
                match result {
                    Ok(sent) => on_sent(sent),
                    Err(problem) => {
                        if let Some(secs) = problem.retry_after {
                            resend_at.set(Some(after_seconds(page_clock(), secs)));
                        }
                        notice.set(None);
                        match problem.code {
                            ProblemCode::ResendCooldown | ProblemCode::TooManyAttempts => {
                                form.set_server_error("code", problem_message(lang, &problem))
                            }
                            _ => banner.set(Some(problem_message(lang, &problem))),
                        }
                    }
                }
            });
        })
    };

    let onsubmit = {
        let (email, boxes, password, form, state, banner, notice, verifying) = (
            email.clone(),
            boxes.clone(),
            password.clone(),
            form.clone(),
            state.clone(),
            banner.clone(),
            notice.clone(),
            verifying.clone(),
        );
        let (focus_request, password_ref, session, navigator, link_token) = (
            focus_request.clone(),
            password_ref.clone(),
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
            if check_email(lang, &email).is_some() || check_code(lang, &joined(&boxes)).is_some() {
                focus_request.set(*focus_request + 1);
                return;
            }
            let token = registration_token::load(&email);
            if token.is_none() && check_required(lang, "password", &password).is_some() {
                focus(&password_ref, false);
                return;
            }
            let proof = if token.is_some() {
                Proof::Token
            } else {
                Proof::Password
            };
            let code = joined(&boxes);
            let request = VerifyEmailRequest {
                email: email.trim().to_owned(),
                link_token: link_token
                    .as_ref()
                    .and_then(|link| link.for_code(&email, &code)),
                code,
                password: token.is_none().then(|| (*password).clone()),
                registration_token: token,
            };
            let (form, state, banner, notice, verifying, boxes) = (
                form.clone(),
                state.clone(),
                banner.clone(),
                notice.clone(),
                verifying.clone(),
                boxes.clone(),
            );
            let (focus_request, password_ref, session, navigator) = (
                focus_request.clone(),
                password_ref.clone(),
                session.clone(),
                navigator.clone(),
            );
            verifying.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = api::verify_email(&request).await;
                verifying.set(false);
                let problem = match result {
                    Ok(tokens) => {
                        registration_token::forget(&request.email);
                        tickets::clear(Flow::Verify);
                        session.sign_in(tokens);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Dashboard);
                        }
                        return;
                    }
                    Err(problem) => problem,
                };
                notice.set(None);
                let message = verify_problem_message(lang, &problem, proof);
                match problem.code {
                    ProblemCode::InvalidCode if proof == Proof::Password => {
                        // The code came from the link more often than not: the password is the likelier
                        // slip, so it is the field kept ready for another try.
                        form.set_server_error("password", message);
                        focus(&password_ref, true);
                    }
                    ProblemCode::InvalidCode => {
                        form.set_server_error("code", message);
                        boxes.set(CodeBoxes::default());
                        focus_request.set(*focus_request + 1);
                    }
                    ProblemCode::TooManyAttempts => {
                        state.set(CodeState::Voided);
                        form.set_server_error("code", message);
                    }
                    ProblemCode::CodeExpired => {
                        state.set(CodeState::Expired);
                        form.set_server_errors(Default::default());
                    }
                    ProblemCode::UsernameTaken | ProblemCode::AlreadyRegistered => {
                        registration_token::forget(&request.email);
                        tickets::clear(Flow::Verify);
                        form.set_server_errors(Default::default());
                        state.set(if problem.code == ProblemCode::UsernameTaken {
                            CodeState::UsernameTaken
                        } else {
                            CodeState::AlreadyRegistered
                        });
                    }
                    ProblemCode::ValidationFailed => {
                        let errors = field_errors(lang, &problem)
                            .into_iter()
                            .map(|(field, message)| match field.as_str() {
                                "email" | "password" => (field, message),
                                // This tab's token was refused: the password proves it instead.
                                "registration_token" => {
                                    registration_token::forget(&request.email);
                                    ("password".to_owned(), lang.t("verify-password-needed"))
                                }
                                _ => ("code".to_owned(), message),
                            })
                            .collect();
                        form.set_server_errors(errors);
                    }
                    _ => banner.set(Some(message)),
                }
            });
        })
    };

    // A changed address has its own ticket (or none): its countdown, not the previous one's.
    let on_email = {
        let ticket = ticket.clone();
        form.on_change_and(&email, "email", move |v: &String| {
            ticket.set(tickets::load(Flow::Verify, v));
        })
    };

    let lead = match &from_link {
        Some(address) => html! {
            <>
                { lang.t("verify-lead-sent-before") }
                <strong id="verify-email-address" data-testid="verify-email-address">{ address.clone() }</strong>
                { lang.t("verify-lead-sent-after") }
            </>
        },
        None => html! { { lang.t("verify-lead") } },
    };
    let password_hint = lang.t(if link.code.is_some() {
        "verify-password-hint-link"
    } else {
        "verify-password-hint-tab"
    });

    html! {
        <Card title={lang.t("verify-title")} lead={lead}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="notice-banner" message={(*notice).clone().map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                if from_link.is_none() {
                    <FormField id="verify-email" label={lang.t("verify-email-label")} kind="email" value={(*email).clone()}
                               oninput={on_email} onblur={form.on_blur("email")} error={email_error}
                               autocomplete="email" inputmode="email" />
                }
                <CodeInput value={(*boxes).clone()} onchange={form.on_change(&boxes, "code")}
                           invalid={code_error.is_some()} disabled={!usable}
                           describedby="code-error code-status" focus_request={*focus_request} />
                <p class="field-error" id="code-error" data-testid="code-error" aria-live="polite">
                    { code_error.as_deref().map(|e| i18n::in_language(e, lang)).unwrap_or_default() }
                </p>
                if proof == Proof::Password && !state.lost() {
                    <FormField id="verify-password" label={lang.t("verify-password-label")} kind="password" value={(*password).clone()}
                               oninput={form.on_change(&password, "password")} onblur={form.on_blur("password")}
                               error={password_error} autocomplete="current-password"
                               hint={password_hint}
                               autofocus={link.code.is_some()} node_ref={password_ref.clone()} />
                }
                <div id="code-status">
                    { code_status(lang, *state, expired, ticket.is_some(), code_left, proof) }
                </div>
                if !state.lost() {
                    <div class="actions">
                        <button type="submit" class="button button-primary" id="verify-submit" data-testid="verify-submit"
                                disabled={*verifying || !usable}>
                            { if *verifying { lang.t("verify-submitting") } else { lang.t("verify-submit") } }
                        </button>
                        <ResendButton wait={resend_wait} busy={*resending} onclick={on_resend} />
                    </div>
                }
                <CaptchaStatus solving={captcha.solving} />
            </form>
            <p class="aside">
                { lang.t("verify-wrong-address") }{ " " }
                <Link<Route> to={Route::Register} classes="link">{ lang.t("verify-register-again") }</Link<Route>>
            </p>
        </Card>
    }
}

/// Below the code: how long it stays valid, or why it no longer helps and where to go instead.
fn code_status(
    lang: Language,
    state: CodeState,
    expired: bool,
    ticket: bool,
    code_left: u64,
    proof: Proof,
) -> Html {
    let ending = |code| verify_problem_message(lang, &Problem::new(code), proof);
    match state {
        CodeState::UsernameTaken => html! {
            <div class="expired" role="alert" data-testid="username-taken">
                <p>{ ending(ProblemCode::UsernameTaken) }</p>
                <p><Link<Route> to={Route::Register} classes="link">
                    <span id="register-again" data-testid="register-again">{ lang.t("verify-register-other-username") }</span>
                </Link<Route>></p>
            </div>
        },
        CodeState::AlreadyRegistered => html! {
            <div class="expired" role="alert" data-testid="already-registered">
                <p>{ ending(ProblemCode::AlreadyRegistered) }</p>
                <p><Link<Route> to={Route::Login} classes="link">
                    <span id="sign-in-link" data-testid="sign-in-link">{ lang.t("verify-sign-in") }</span>
                </Link<Route>></p>
                <p><Link<Route> to={Route::ForgotPassword} classes="link">
                    <span id="reset-password-link" data-testid="reset-password-link">{ lang.t("verify-reset-password") }</span>
                </Link<Route>></p>
            </div>
        },
        _ if expired => html! {
            <div class="expired" role="alert" data-testid="code-expired">
                <p><strong>{ lang.t("verify-expired") }</strong>
                   { " " }{ lang.t("verify-expired-text") }</p>
                <p><Link<Route> to={Route::Register} classes="link">
                    <span id="back-to-register" data-testid="back-to-register">{ lang.t("verify-back-to-register") }</span>
                </Link<Route>></p>
            </div>
        },
        _ if ticket => html! {
            <Countdown remaining={code_left} label={lang.t("verify-countdown-label")} testid="code-countdown" />
        },
        _ => html! {
            <p class="hint">{ lang.t("verify-codes-valid") }</p>
        },
    }
}

/// Puts the caret in the password field, its text selected for retyping when `select`.
fn focus(node: &NodeRef, select: bool) {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        let _ = input.focus();
        if select {
            input.select();
        }
    }
}
