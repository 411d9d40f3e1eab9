//! Confirm the address with the e-mailed code: six boxes, the code's remaining validity, a resend button
//! that waits out its cooldown, and a way back to registration once the code has expired. Opened from
//! the e-mail's link, it fills in the address and code but waits for the person's click.

use chrono::{Duration, Utc};
use shared::api::{CodeSentResponse, EmailRequest, VerifyEmailRequest};
use shared::problem::{Problem, ProblemCode};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::CodeQuery;
use crate::api;
use crate::app::Route;
use crate::code::{boxes_from, joined, CodeBoxes};
use crate::components::{
    CaptchaStatus, Card, CodeInput, Countdown, ErrorBanner, FormField, Notice, ResendButton,
};
use crate::form::Touched;
use crate::hooks::{use_captcha, use_countdown, use_session};
use crate::messages::{check_code, check_email, field_errors, problem_message};
use crate::tickets::{self, Flow};

/// What became of the current code, as far as this page knows.
#[derive(Clone, Copy, PartialEq)]
enum CodeState {
    Usable,
    /// Five wrong tries: the code is void until a new one is sent.
    Voided,
    /// Past its time, or the server said so.
    Expired,
}

#[function_component(Verify)]
pub fn verify() -> Html {
    let navigator = use_navigator();
    let session = use_session();
    let query = use_location()
        .and_then(|l| l.query::<CodeQuery>().ok())
        .unwrap_or_default();
    let from_link = query.email.clone().filter(|e| !e.trim().is_empty());

    let email = use_state(|| from_link.clone().unwrap_or_default());
    let boxes = use_state(|| boxes_from(query.code.as_deref().unwrap_or_default()));
    let ticket = use_state(|| {
        from_link
            .as_deref()
            .and_then(|email| tickets::load(Flow::Verify, email))
    });
    let resend_at = use_state(|| ticket.as_ref().map(|t| t.resend_after));
    let state = use_state(|| CodeState::Usable);
    let touched = use_state(Touched::default);
    let code_error = use_state(|| None::<String>);
    let email_error_from_server = use_state(|| None::<String>);
    let banner = use_state(|| None::<String>);
    let notice = use_state(|| {
        (query.reason.as_deref() == Some("unverified")).then(|| {
            "Your address is not confirmed yet. Enter the code from our e-mail; if it has expired, send a new one."
                .to_owned()
        })
    });
    let verifying = use_state(|| false);
    let resending = use_state(|| false);
    let captcha = use_captcha();
    let focus_request = use_state(|| if query.code.is_some() { 0 } else { 1 });

    let code_left = use_countdown(ticket.as_ref().map(|t| t.expires_at));
    let resend_wait = use_countdown(*resend_at);
    let expired = *state == CodeState::Expired || (ticket.is_some() && code_left == 0);
    let usable = !expired && *state != CodeState::Voided;

    let email_error = (*email_error_from_server)
        .clone()
        .or_else(|| touched.has("email").then(|| check_email(&email)).flatten());
    let shown_code_error = (*code_error).clone().or_else(|| {
        touched
            .has("code")
            .then(|| check_code(&joined(&boxes)))
            .flatten()
    });

    let on_sent = {
        let (ticket, resend_at, state, boxes, code_error, notice, focus_request) = (
            ticket.clone(),
            resend_at.clone(),
            state.clone(),
            boxes.clone(),
            code_error.clone(),
            notice.clone(),
            focus_request.clone(),
        );
        move |sent: CodeSentResponse| {
            tickets::save(Flow::Verify, &sent);
            resend_at.set(Some(sent.resend_after));
            notice.set(Some(format!(
                "We sent a new code to {}. Codes from earlier e-mails no longer work.",
                sent.email
            )));
            ticket.set(Some(sent));
            state.set(CodeState::Usable);
            boxes.set(CodeBoxes::default());
            code_error.set(None);
            focus_request.set(*focus_request + 1);
        }
    };

    let on_resend = {
        let (email, touched, banner, resending, resend_at, code_error, notice) = (
            email.clone(),
            touched.clone(),
            banner.clone(),
            resending.clone(),
            resend_at.clone(),
            code_error.clone(),
            notice.clone(),
        );
        let captcha = captcha.clone();
        Callback::from(move |()| {
            if check_email(&email).is_some() {
                touched.set(touched.with("email"));
                return;
            }
            let request = EmailRequest {
                email: email.trim().to_owned(),
            };
            let (banner, resending, resend_at, code_error, notice, on_sent) = (
                banner.clone(),
                resending.clone(),
                resend_at.clone(),
                code_error.clone(),
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
                            resend_at.set(Some(Utc::now() + Duration::seconds(secs as i64)));
                        }
                        notice.set(None);
                        match problem.code {
                            ProblemCode::ResendCooldown | ProblemCode::TooManyAttempts => {
                                code_error.set(Some(problem_message(&problem)))
                            }
                            _ => banner.set(Some(problem_message(&problem))),
                        }
                    }
                }
            });
        })
    };

    let onsubmit = {
        let (email, boxes, touched, state, code_error, email_error_from_server, banner, verifying) = (
            email.clone(),
            boxes.clone(),
            touched.clone(),
            state.clone(),
            code_error.clone(),
            email_error_from_server.clone(),
            banner.clone(),
            verifying.clone(),
        );
        let (focus_request, session, navigator, notice) = (
            focus_request.clone(),
            session.clone(),
            navigator.clone(),
            notice.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *verifying || !usable {
                return;
            }
            touched.set(touched.with("email").with("code"));
            code_error.set(None);
            if check_email(&email).is_some() || check_code(&joined(&boxes)).is_some() {
                focus_request.set(*focus_request + 1);
                return;
            }
            let request = VerifyEmailRequest {
                email: email.trim().to_owned(),
                code: joined(&boxes),
            };
            let (state, code_error, email_error_from_server, banner, verifying, boxes) = (
                state.clone(),
                code_error.clone(),
                email_error_from_server.clone(),
                banner.clone(),
                verifying.clone(),
                boxes.clone(),
            );
            let (focus_request, session, navigator, notice) = (
                focus_request.clone(),
                session.clone(),
                navigator.clone(),
                notice.clone(),
            );
            verifying.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = api::verify_email(&request).await;
                verifying.set(false);
                match result {
                    Ok(tokens) => {
                        tickets::clear(Flow::Verify);
                        session.sign_in(tokens);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Dashboard);
                        }
                    }
                    Err(problem) => {
                        notice.set(None);
                        on_verify_problem(
                            &problem,
                            &state,
                            &code_error,
                            &email_error_from_server,
                            &banner,
                        );
                        if problem.code == ProblemCode::InvalidCode {
                            boxes.set(CodeBoxes::default());
                            focus_request.set(*focus_request + 1);
                        }
                    }
                }
            });
        })
    };

    let on_code = {
        let (boxes, code_error) = (boxes.clone(), code_error.clone());
        Callback::from(move |next: CodeBoxes| {
            boxes.set(next);
            code_error.set(None);
        })
    };
    let on_email = {
        let (email, email_error_from_server, ticket) = (
            email.clone(),
            email_error_from_server.clone(),
            ticket.clone(),
        );
        Callback::from(move |value: String| {
            ticket.set(tickets::load(Flow::Verify, &value));
            email.set(value);
            email_error_from_server.set(None);
        })
    };
    let on_email_blur = {
        let touched = touched.clone();
        Callback::from(move |()| touched.set(touched.with("email")))
    };

    let lead = match &from_link {
        Some(address) => html! {
            <>
                { "We sent a 6-digit code to " }
                <strong id="verify-email-address" data-testid="verify-email-address">{ address.clone() }</strong>
                { ". Enter it below to confirm the address." }
            </>
        },
        None => html! { { "Enter your e-mail address and the 6-digit code we sent to it." } },
    };

    html! {
        <Card title="Confirm your e-mail address" lead={lead}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="notice-banner" message={(*notice).clone().map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                if from_link.is_none() {
                    <FormField id="verify-email" label="E-mail address" kind="email" value={(*email).clone()}
                               oninput={on_email} onblur={on_email_blur} error={email_error}
                               autocomplete="email" inputmode="email" />
                }
                <CodeInput value={(*boxes).clone()} onchange={on_code} invalid={shown_code_error.is_some()}
                           disabled={!usable} describedby="code-error code-status"
                           focus_request={*focus_request} />
                <p class="field-error" id="code-error" data-testid="code-error" aria-live="polite">
                    { shown_code_error.clone().unwrap_or_default() }
                </p>
                <div id="code-status">
                    if expired {
                        <div class="expired" role="alert" data-testid="code-expired">
                            <p><strong>{ "This code has expired." }</strong>
                               { " Send a new code to the same address, or start over with your registration." }</p>
                            <p><Link<Route> to={Route::Register} classes="link">
                                <span id="back-to-register" data-testid="back-to-register">{ "Back to registration" }</span>
                            </Link<Route>></p>
                        </div>
                    } else if ticket.is_some() {
                        <Countdown remaining={code_left} label="Code expires in" testid="code-countdown" />
                    } else {
                        <p class="hint">{ "Codes stay valid for a few minutes after they are sent." }</p>
                    }
                </div>
                <div class="actions">
                    <button type="submit" class="button button-primary" id="verify-submit" data-testid="verify-submit"
                            disabled={*verifying || !usable}>
                        { if *verifying { "Checking…" } else { "Verify" } }
                    </button>
                    <ResendButton wait={resend_wait} busy={*resending} onclick={on_resend} />
                </div>
                <CaptchaStatus solving={captcha.solving} />
            </form>
            <p class="aside">
                { "Wrong address? " }
                <Link<Route> to={Route::Register} classes="link">{ "Register again" }</Link<Route>>
            </p>
        </Card>
    }
}

fn on_verify_problem(
    problem: &Problem,
    state: &UseStateHandle<CodeState>,
    code_error: &UseStateHandle<Option<String>>,
    email_error: &UseStateHandle<Option<String>>,
    banner: &UseStateHandle<Option<String>>,
) {
    match problem.code {
        ProblemCode::InvalidCode => code_error.set(Some(problem_message(problem))),
        ProblemCode::TooManyAttempts => {
            state.set(CodeState::Voided);
            code_error.set(Some(problem_message(problem)));
        }
        ProblemCode::CodeExpired => {
            state.set(CodeState::Expired);
            code_error.set(None);
        }
        ProblemCode::ValidationFailed => {
            for (field, message) in field_errors(problem) {
                match field.as_str() {
                    "email" => email_error.set(Some(message)),
                    _ => code_error.set(Some(message)),
                }
            }
        }
        _ => banner.set(Some(problem_message(problem))),
    }
}
