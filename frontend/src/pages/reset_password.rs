//! Set a new password with the e-mailed code. Opened from the e-mail's link (address and code in its
//! fragment), it fills in the address and the code but waits for the person to choose a password and click;
//! the link's token goes with that code, which lets it through even while the address refuses codes
//! typed alone.

use std::collections::BTreeMap;

use crate::countdown::after_seconds;
use crate::i18n::{self, use_lang, Words};
use shared::api::{EmailRequest, ResetPasswordRequest};
use shared::problem::ProblemCode;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{use_mailed_link_key, CodeQuery, LinkToken, LoginQuery};
use crate::api;
use crate::app::Route;
use crate::code::{boxes_from, joined, CodeBoxes};
use crate::components::{
    CaptchaStatus, Card, CodeInput, Countdown, ErrorBanner, FormField, Notice, ResendButton,
};
use crate::hooks::{page_clock, use_captcha, use_countdown, use_form_state};
use crate::messages::{check_code, check_email, check_password, field_errors, problem_message};
use crate::tickets::{self, Flow};

/// The route target: a page of its own for each mailed link opened in this tab.
#[function_component(ResetPassword)]
pub fn reset_password() -> Html {
    let key = use_mailed_link_key();
    html! { <ResetPasswordPage {key} /> }
}

#[function_component(ResetPasswordPage)]
fn reset_password_page() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let location = use_location();
    // The mailed link's fragment, read once (see `CodeQuery::from_url`).
    let query = use_memo((), move |_| CodeQuery::of(location.as_ref()));

    let email = use_state(|| query.email.clone().unwrap_or_default());
    let boxes = use_state(|| boxes_from(query.code.as_deref().unwrap_or_default()));
    // The link's token, for as long as its address and code are the ones to send.
    let link_token = use_state(|| LinkToken::of(&query));
    let password = use_state(String::new);
    let ticket = use_state(|| {
        query
            .email
            .as_deref()
            .and_then(|email| tickets::load(Flow::Reset, email))
    });
    let resend_at = use_state(|| ticket.as_ref().map(|t| t.deadlines.resend));
    let form = use_form_state(&["email", "code", "new_password"]);
    let banner = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let resending = use_state(|| false);
    let captcha = use_captcha();
    let focus_request = use_state(|| 0_u32);
    let password_ref = use_node_ref();

    let code_left = use_countdown(ticket.as_ref().map(|t| t.deadlines.code));
    let resend_wait = use_countdown(*resend_at);
    let expired = ticket.is_some() && code_left == 0;

    let email_error = form.error_of("email", check_email(lang, &email));
    let code_error = form.error_of("code", check_code(lang, &joined(&boxes)));
    let password_error = form.error_of("new_password", check_password(lang, &password));

    let on_resend = {
        let (email, form, banner, notice, resending, resend_at, ticket, boxes) = (
            email.clone(),
            form.clone(),
            banner.clone(),
            notice.clone(),
            resending.clone(),
            resend_at.clone(),
            ticket.clone(),
            boxes.clone(),
        );
        let (focus_request, captcha, link_token) =
            (focus_request.clone(), captcha.clone(), link_token.clone());
        Callback::from(move |()| {
            if check_email(lang, &email).is_some() {
                form.touch("email");
                return;
            }
            let request = EmailRequest {
                email: email.trim().to_owned(),
            };
            let (banner, notice, resending, resend_at, ticket, form, boxes, focus_request) = (
                banner.clone(),
                notice.clone(),
                resending.clone(),
                resend_at.clone(),
                ticket.clone(),
                form.clone(),
                boxes.clone(),
                focus_request.clone(),
            );
            let (captcha, link_token) = (captcha.clone(), link_token.clone());
            resending.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = captcha
                    .call(|solution| api::forgot_password(&request, solution))
                    .await;
                resending.set(false);
                match result {
                    Ok(sent) => {
                        // The link's code is void now, and its token with it.
                        link_token.set(None);
                        let saved = tickets::save(Flow::Reset, &sent);
                        resend_at.set(Some(saved.deadlines.resend));
                        notice.set(Some(
                            i18n::current()
                                .tf("reset-notice-resent", &[("email", (&sent.email).into())]),
                        ));
                        ticket.set(Some(saved));
                        form.set_server_errors(BTreeMap::new());
                        boxes.set(CodeBoxes::default());
                        focus_request.set(*focus_request + 1);
                    }
                    Err(problem) => {
                        if let Some(secs) = problem.retry_after {
                            resend_at.set(Some(after_seconds(page_clock(), secs)));
                        }
                        notice.set(None);
                        banner.set(Some(problem_message(lang, &problem)));
                    }
                }
            });
        })
    };

    let onsubmit = {
        let (email, boxes, password, form, banner, notice, busy) = (
            email.clone(),
            boxes.clone(),
            password.clone(),
            form.clone(),
            banner.clone(),
            notice.clone(),
            busy.clone(),
        );
        let (navigator, focus_request, password_ref, link_token) = (
            navigator.clone(),
            focus_request.clone(),
            password_ref.clone(),
            link_token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            if check_email(lang, &email).is_some() || check_code(lang, &joined(&boxes)).is_some() {
                focus_request.set(*focus_request + 1);
                return;
            }
            if check_password(lang, &password).is_some() {
                if let Some(input) = password_ref.cast::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
                return;
            }
            let code = joined(&boxes);
            let request = ResetPasswordRequest {
                email: email.trim().to_owned(),
                link_token: link_token
                    .as_ref()
                    .and_then(|link| link.for_code(&email, &code)),
                code,
                new_password: (*password).clone(),
            };
            let (form, banner, notice, busy, navigator, boxes, focus_request) = (
                form.clone(),
                banner.clone(),
                notice.clone(),
                busy.clone(),
                navigator.clone(),
                boxes.clone(),
                focus_request.clone(),
            );
            busy.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = api::reset_password(&request).await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        tickets::clear(Flow::Reset);
                        if let Some(navigator) = navigator {
                            let query = LoginQuery {
                                notice: Some("password-reset".to_owned()),
                            };
                            let _ = navigator.push_with_query(&Route::Login, &query);
                        }
                    }
                    Err(problem) => {
                        notice.set(None);
                        match problem.code {
                            ProblemCode::ValidationFailed => form.set_server_errors(
                                field_errors(lang, &problem).into_iter().collect(),
                            ),
                            ProblemCode::InvalidCode
                            | ProblemCode::CodeExpired
                            | ProblemCode::TooManyAttempts => {
                                form.set_server_error("code", problem_message(lang, &problem));
                                boxes.set(CodeBoxes::default());
                                focus_request.set(*focus_request + 1);
                            }
                            _ => banner.set(Some(problem_message(lang, &problem))),
                        }
                    }
                }
            });
        })
    };

    // A changed address has its own ticket (or none): its countdown, not the previous one's.
    let on_email = {
        let ticket = ticket.clone();
        form.on_change_and(&email, "email", move |v: &String| {
            ticket.set(tickets::load(Flow::Reset, v));
        })
    };

    let lead = html! { { lang.t("reset-lead") } };
    html! {
        <Card title={lang.t("reset-title")} lead={lead}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="notice-banner" message={(*notice).clone().map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                <FormField id="reset-email" label={lang.t("reset-email-label")} kind="email" value={(*email).clone()}
                           oninput={on_email} onblur={form.on_blur("email")} error={email_error}
                           autocomplete="email" inputmode="email" autofocus={query.email.is_none()} />
                <CodeInput value={(*boxes).clone()} onchange={form.on_change(&boxes, "code")} invalid={code_error.is_some()}
                           describedby="code-error" focus_request={*focus_request} />
                <p class="field-error" id="code-error" data-testid="code-error" aria-live="polite">
                    { code_error.as_deref().map(|e| i18n::in_language(e, lang)).unwrap_or_default() }
                </p>
                if expired {
                    <p class="expired" role="alert" data-testid="code-expired">
                        { lang.t("reset-expired") }
                    </p>
                } else if ticket.is_some() {
                    <Countdown remaining={code_left} label={lang.t("reset-countdown-label")} testid="code-countdown" />
                }
                <FormField id="reset-password" label={lang.t("reset-password-label")} kind="password" value={(*password).clone()}
                           oninput={form.on_change(&password, "new_password")}
                           onblur={form.on_blur("new_password")} error={password_error}
                           autocomplete="new-password" hint={lang.t("reset-password-hint")}
                           node_ref={password_ref.clone()} />
                <div class="actions">
                    <button type="submit" class="button button-primary" id="reset-submit" data-testid="reset-submit"
                            disabled={*busy}>
                        { if *busy { lang.t("reset-submitting") } else { lang.t("reset-submit") } }
                    </button>
                    <ResendButton wait={resend_wait} busy={*resending} onclick={on_resend} />
                </div>
                <CaptchaStatus solving={captcha.solving} />
            </form>
            <p class="aside">
                <Link<Route> to={Route::Login} classes="link">{ lang.t("reset-back-to-login") }</Link<Route>>
            </p>
        </Card>
    }
}
