//! The second step of a sign-in, for an account with an authenticator app: after the password (or an
//! e-mailed code) was right, the app's six digits or a recovery code. A part of the sign-in pages, not a
//! route of its own: the `mfa_token` lives in their memory only.

use shared::api::MfaLoginRequest;
use shared::problem::{Problem, ProblemCode};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{Card, ErrorBanner, FactorCodeInput};
use crate::factor::FactorEntry;
use crate::hooks::{use_form_state, use_session};
use crate::i18n::{use_lang, Words};
use crate::messages::{factor_problem_message, problem_message};
use crate::passkeys::PasskeyStep;

#[derive(Properties, PartialEq)]
pub struct SecondFactorProps {
    /// The first step's answer: works once, for five minutes, and dies after five wrong codes.
    pub mfa_token: AttrValue,
    /// The token no longer works: the sign-in starts again from its first step, with this explanation.
    pub on_expired: Callback<String>,
    /// The person went back to the first step.
    pub on_cancel: Callback<()>,
    /// What going back means on this page: "Back to the password", say.
    pub cancel_label: AttrValue,
    /// The server offered a passkey for this step.
    #[prop_or_default]
    pub passkey: bool,
}

#[function_component(SecondFactor)]
pub fn second_factor(props: &SecondFactorProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let entry = use_state(FactorEntry::default);
    let form = use_form_state(&["code"]);
    let banner = use_state(|| None::<String>);
    let busy = use_state(|| false);
    // The boxes take the caret as the step appears.
    let focus_request = use_state(|| 1_u32);

    let code_error = form.error_of("code", entry.check(lang));

    let onsubmit = {
        let (entry, form, banner, busy, focus_request) = (
            entry.clone(),
            form.clone(),
            banner.clone(),
            busy.clone(),
            focus_request.clone(),
        );
        let (session, navigator, on_expired) =
            (session.clone(), navigator.clone(), props.on_expired.clone());
        let mfa_token = props.mfa_token.to_string();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            let code = match entry.code(lang) {
                Ok(code) => code,
                Err(_) => {
                    focus_request.set(focus_request.wrapping_add(1));
                    return;
                }
            };
            let request = MfaLoginRequest {
                mfa_token: mfa_token.clone(),
                code,
            };
            let kind = entry.kind;
            let (entry, form, banner, busy, focus_request) = (
                entry.clone(),
                form.clone(),
                banner.clone(),
                busy.clone(),
                focus_request.clone(),
            );
            let (session, navigator, on_expired) =
                (session.clone(), navigator.clone(), on_expired.clone());
            busy.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = api::login_mfa(&request).await;
                busy.set(false);
                let problem = match result {
                    Ok(tokens) => {
                        session.sign_in(tokens);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Dashboard);
                        }
                        return;
                    }
                    Err(problem) => problem,
                };
                let message = factor_problem_message(lang, &problem, kind);
                match problem.code {
                    // The fifth wrong code voided the token: another try could only be refused.
                    ProblemCode::InvalidCode if problem.attempts_remaining == Some(0) => on_expired
                        .emit(factor_problem_message(
                            lang,
                            &Problem::new(ProblemCode::InvalidToken),
                            kind,
                        )),
                    ProblemCode::InvalidCode => {
                        form.set_server_error("code", message);
                        entry.set(entry.cleared());
                        focus_request.set(focus_request.wrapping_add(1));
                    }
                    ProblemCode::InvalidToken => on_expired.emit(message),
                    ProblemCode::ValidationFailed if problem.errors.contains_key("mfa_token") => {
                        on_expired.emit(factor_problem_message(
                            lang,
                            &Problem::new(ProblemCode::InvalidToken),
                            kind,
                        ))
                    }
                    ProblemCode::ValidationFailed => {
                        form.set_server_error("code", entry.check(lang).unwrap_or(message));
                        focus_request.set(focus_request.wrapping_add(1));
                    }
                    _ => banner.set(Some(problem_message(lang, &problem))),
                }
            });
        })
    };
    // Switching inputs starts the code's judgement afresh: an empty field just shown is no mistake.
    let on_entry = form.on_change_replacing(&entry, "code", |before: &FactorEntry, after| {
        before.kind != after.kind
    });
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());

    let lead = html! {
        { lang.t("second-factor-lead") }
    };
    html! {
        <Card title={lang.t("second-factor-title")} lead={lead}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <form class="form" id="mfa-form" data-testid="mfa-form" novalidate=true {onsubmit}>
                <FactorCodeInput id="mfa-code" value={(*entry).clone()} onchange={on_entry}
                                 error={code_error} focus_request={*focus_request} />
                <button type="submit" class="button button-primary button-block" id="mfa-submit"
                        data-testid="mfa-submit" disabled={*busy}>
                    { lang.t(if *busy { "second-factor-submitting" } else { "second-factor-submit" }) }
                </button>
            </form>
            if props.passkey {
                <PasskeyStep mfa_token={props.mfa_token.clone()} on_expired={props.on_expired.clone()} />
            }
            <p class="aside">
                <button type="button" class="link-button" id="mfa-cancel" data-testid="mfa-cancel"
                        onclick={on_cancel}>
                    { props.cancel_label.clone() }
                </button>
            </p>
        </Card>
    }
}
