//! The account's second factor: set up an authenticator app (its QR code, or the key to type, confirmed
//! with a code), the ten recovery codes shown once, new recovery codes, and turning the app off. The last
//! two ask for the password and a code again. Below, the account's own data: to download, or to delete
//! with the account.

use shared::api::{PasswordAndCodeRequest, TotpCodeRequest, TotpSetupResponse, User};
use shared::problem::ProblemCode;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::account_data::AccountData;
use crate::api;
use crate::app::{Loading, Route};
use crate::code::{joined, CodeBoxes};
use crate::components::{
    Card, CodeInput, ErrorBanner, FactorCodeInput, FormField, Notice, RecoveryCodes,
};
use crate::factor::{secret_in_groups, svg_data_url, CodeKind, FactorEntry};
use crate::hooks::{use_form_state, use_session, AuthState, Session};
use crate::i18n::{self, msg, use_lang, Words};
use crate::messages::{
    check_code, check_required, factor_problem_message, field_sentence, password_and_code_errors,
    problem_message,
};
use crate::passkeys::PasskeysSection;

#[function_component(Security)]
pub fn security() -> Html {
    let session = use_session();
    match session.state.clone() {
        AuthState::Restoring => html! { <Loading /> },
        AuthState::SignedOut => html! { <Redirect<Route> to={Route::Login} /> },
        AuthState::SignedIn(user) => html! { <SecurityPage {user} /> },
    }
}

/// What the password and a code are asked for.
#[derive(Clone, Copy, PartialEq)]
enum Confirm {
    NewRecoveryCodes,
    TurnOff,
}

/// The account as the server describes it now (another tab may have changed it), for every page.
async fn reload_user(session: Session) {
    if let Ok(user) = session.authed(api::me).await {
        session.update_user(user);
    }
}

fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<HtmlElement>() {
        let _ = element.focus();
    }
}

#[derive(Properties, PartialEq)]
struct SecurityPageProps {
    user: User,
}

#[function_component(SecurityPage)]
fn security_page(props: &SecurityPageProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let banner = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let setup = use_state(|| None::<TotpSetupResponse>);
    let codes = use_state(|| None::<Vec<String>>);
    let confirm = use_state(|| None::<Confirm>);
    let starting = use_state(|| false);
    let heading_ref = use_node_ref();
    // Bumped when a step closes, so the reading position returns to the section's heading.
    let focus_heading = use_state(|| 0_u32);
    {
        let session = session.clone();
        use_effect_with((), move |_| spawn_local(reload_user(session)));
    }
    {
        let heading_ref = heading_ref.clone();
        use_effect_with(*focus_heading, move |request| {
            if *request > 0 {
                focus(&heading_ref);
            }
        });
    }
    let enabled = props.user.mfa_enabled;
    let show_banner = {
        let banner = banner.clone();
        Callback::from(move |message: Option<String>| banner.set(message))
    };
    let back_to_heading = {
        let focus_heading = focus_heading.clone();
        move || focus_heading.set(focus_heading.wrapping_add(1))
    };

    let on_start = {
        let (session, setup, banner, notice, starting) = (
            session.clone(),
            setup.clone(),
            banner.clone(),
            notice.clone(),
            starting.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (session, setup, banner, notice, starting) = (
                session.clone(),
                setup.clone(),
                banner.clone(),
                notice.clone(),
                starting.clone(),
            );
            starting.set(true);
            banner.set(None);
            notice.set(None);
            spawn_local(async move {
                let result = session.authed(api::totp_setup).await;
                starting.set(false);
                match result {
                    Ok(response) => setup.set(Some(response)),
                    // The session has ended: the page sends the person to sign in.
                    Err(problem) if problem.status == 401 => {}
                    Err(problem) => {
                        banner.set(Some(problem_message(lang, &problem)));
                        if problem.code == ProblemCode::MfaAlreadyEnabled {
                            reload_user(session).await;
                        }
                    }
                }
            });
        })
    };

    let on_enabled = {
        let (session, setup, codes, notice, user) = (
            session.clone(),
            setup.clone(),
            codes.clone(),
            notice.clone(),
            props.user.clone(),
        );
        Callback::from(move |recovery_codes: Vec<String>| {
            setup.set(None);
            codes.set(Some(recovery_codes));
            notice.set(Some(lang.t("security-notice-enabled")));
            session.update_user(User {
                mfa_enabled: true,
                ..user.clone()
            });
        })
    };
    // The set-up ended without the app on (cancelled, or the server no longer has it).
    let on_setup_closed = {
        let (session, setup, banner, back_to_heading) = (
            session.clone(),
            setup.clone(),
            banner.clone(),
            back_to_heading.clone(),
        );
        Callback::from(move |explanation: Option<String>| {
            setup.set(None);
            if explanation.is_some() {
                spawn_local(reload_user(session.clone()));
            }
            banner.set(explanation);
            back_to_heading();
        })
    };

    let on_confirmed = {
        let (session, confirm, codes, notice, user) = (
            session.clone(),
            confirm.clone(),
            codes.clone(),
            notice.clone(),
            props.user.clone(),
        );
        let back_to_heading = back_to_heading.clone();
        Callback::from(move |new_codes: Option<Vec<String>>| {
            confirm.set(None);
            match new_codes {
                Some(list) => {
                    codes.set(Some(list));
                    notice.set(Some(lang.t("security-notice-new-codes")));
                }
                None => {
                    notice.set(Some(lang.t("security-notice-disabled")));
                    session.update_user(User {
                        mfa_enabled: false,
                        ..user.clone()
                    });
                    back_to_heading();
                }
            }
        })
    };
    let ask = |action: Confirm| {
        let (confirm, banner, notice) = (confirm.clone(), banner.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            banner.set(None);
            notice.set(None);
            confirm.set(Some(action));
        })
    };
    let on_confirm_cancel = {
        let (confirm, back_to_heading) = (confirm.clone(), back_to_heading.clone());
        Callback::from(move |()| {
            confirm.set(None);
            back_to_heading();
        })
    };
    let on_codes_saved = {
        let (codes, back_to_heading) = (codes.clone(), back_to_heading.clone());
        Callback::from(move |()| {
            codes.set(None);
            back_to_heading();
        })
    };

    let status = if enabled {
        html! {
            <p class="security-status" id="security-status" data-testid="security-status" data-enabled="true">
                <span class="badge badge-ok">{ lang.t("security-status-on") }</span>
                { " " }{ lang.t("security-status-on-text") }
            </p>
        }
    } else {
        html! {
            <p class="security-status" id="security-status" data-testid="security-status" data-enabled="false">
                <span class="badge">{ lang.t("security-status-off") }</span>
                { " " }{ lang.t("security-status-off-text") }
            </p>
        }
    };

    // The account's data waits while a step is open: one form (and one set of code boxes) at a time.
    let step_open =
        codes.is_some() || (setup.is_some() && !enabled) || (confirm.is_some() && enabled);
    let body = if let Some(list) = (*codes).clone() {
        html! {
            <RecoveryCodes codes={list} account={props.user.username.clone()} on_done={on_codes_saved} />
        }
    } else if let (Some(response), false) = ((*setup).clone(), enabled) {
        html! {
            <TotpSetup setup={response} {on_enabled} on_closed={on_setup_closed}
                       on_banner={show_banner.clone()} />
        }
    } else if let (Some(action), true) = (*confirm, enabled) {
        html! {
            <ConfirmWithCode {action} username={props.user.username.clone()} on_done={on_confirmed}
                             on_cancel={on_confirm_cancel} on_banner={show_banner.clone()} />
        }
    } else if enabled {
        html! {
            <div class="actions">
                <button type="button" class="button button-secondary" id="recovery-codes-regenerate"
                        data-testid="recovery-codes-regenerate" onclick={ask(Confirm::NewRecoveryCodes)}>
                    { lang.t("security-regenerate") }
                </button>
                <button type="button" class="button button-secondary" id="totp-disable"
                        data-testid="totp-disable" onclick={ask(Confirm::TurnOff)}>
                    { lang.t("security-disable") }
                </button>
            </div>
        }
    } else {
        html! {
            <div class="actions">
                <button type="button" class="button button-primary" id="totp-setup-start"
                        data-testid="totp-setup-start" disabled={*starting} onclick={on_start}>
                    { lang.t(if *starting { "security-setup-starting" } else { "security-setup-start" }) }
                </button>
            </div>
        }
    };

    html! {
        <Card title={lang.t("security-title")} wide=true>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="notice-banner" message={(*notice).clone().map(AttrValue::from)} />
            <section class="security-section" aria-labelledby="totp-heading">
                <h2 id="totp-heading" tabindex="-1" ref={heading_ref} class="no-print">{ lang.t("security-totp-heading") }</h2>
                <div class="no-print">{ status }</div>
                { body }
            </section>
            if !step_open {
                <PasskeysSection />
                <AccountData user={props.user.clone()} />
            }
            <p class="aside no-print">
                <Link<Route> to={Route::Dashboard} classes="link">
                    <span id="security-back" data-testid="security-back">{ lang.t("security-back") }</span>
                </Link<Route>>
            </p>
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct TotpSetupProps {
    setup: TotpSetupResponse,
    /// The app is on; here are its recovery codes.
    on_enabled: Callback<Vec<String>>,
    /// The set-up is over without the app on: cancelled (`None`), or gone on the server (why).
    on_closed: Callback<Option<String>>,
    on_banner: Callback<Option<String>>,
}

/// Scan (or type) the key, then prove it with the app's first code.
#[function_component(TotpSetup)]
fn totp_setup(props: &TotpSetupProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let boxes = use_state(CodeBoxes::default);
    let form = use_form_state(&["code"]);
    let busy = use_state(|| false);
    let focus_request = use_state(|| 0_u32);
    let heading_ref = use_node_ref();
    {
        // The QR code just appeared in place of the button: the reading position moves to it.
        let heading_ref = heading_ref.clone();
        use_effect_with((), move |_| focus(&heading_ref));
    }
    let image = use_memo(props.setup.qr_svg.clone(), |svg| svg_data_url(svg));
    let code_error = form.error_of("code", check_code(lang, &joined(&boxes)));

    let onsubmit = {
        let (boxes, form, busy, focus_request) = (
            boxes.clone(),
            form.clone(),
            busy.clone(),
            focus_request.clone(),
        );
        let (session, on_enabled, on_closed, on_banner) = (
            session.clone(),
            props.on_enabled.clone(),
            props.on_closed.clone(),
            props.on_banner.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            let code = joined(&boxes);
            if check_code(lang, &code).is_some() {
                focus_request.set(focus_request.wrapping_add(1));
                return;
            }
            let request = TotpCodeRequest { code };
            let (boxes, form, busy, focus_request) = (
                boxes.clone(),
                form.clone(),
                busy.clone(),
                focus_request.clone(),
            );
            let (session, on_enabled, on_closed, on_banner) = (
                session.clone(),
                on_enabled.clone(),
                on_closed.clone(),
                on_banner.clone(),
            );
            busy.set(true);
            on_banner.emit(None);
            spawn_local(async move {
                let result = session
                    .authed(|token| api::totp_enable(token, request.clone()))
                    .await;
                busy.set(false);
                match result {
                    Ok(response) => on_enabled.emit(response.recovery_codes),
                    Err(problem) if problem.status == 401 => {}
                    Err(problem) => match problem.code {
                        ProblemCode::InvalidCode | ProblemCode::ValidationFailed => {
                            let message = if problem.code == ProblemCode::InvalidCode {
                                factor_problem_message(lang, &problem, CodeKind::App)
                            } else {
                                field_sentence(lang, "code", "")
                            };
                            form.set_server_error("code", message);
                            boxes.set(CodeBoxes::default());
                            focus_request.set(focus_request.wrapping_add(1));
                        }
                        ProblemCode::MfaNotSetUp | ProblemCode::MfaAlreadyEnabled => {
                            on_closed.emit(Some(problem_message(lang, &problem)))
                        }
                        _ => on_banner.emit(Some(problem_message(lang, &problem))),
                    },
                }
            });
        })
    };
    let on_cancel = props.on_closed.reform(|_: MouseEvent| None);

    html! {
        <ol class="steps" id="totp-setup" data-testid="totp-setup">
            <li>
                <h3 id="totp-scan-heading" tabindex="-1" ref={heading_ref}>
                    { lang.t("security-setup-scan") }
                </h3>
                <img class="qr" id="totp-qr" data-testid="totp-qr" src={(*image).clone()} width="200" height="200"
                     alt={lang.t("security-setup-qr-alt")} />
                <p class="hint">{ lang.t("security-setup-type-key") }</p>
                <p><code class="secret" id="totp-secret" data-testid="totp-secret">
                    { secret_in_groups(&props.setup.secret) }
                </code></p>
                <p class="hint">
                    <a href={props.setup.otpauth_uri.clone()} class="link" id="totp-open-app" data-testid="totp-open-app">
                        { lang.t("security-setup-open-app") }
                    </a>
                </p>
            </li>
            <li>
                <h3>{ lang.t("security-setup-enter-code") }</h3>
                <form class="form" novalidate=true {onsubmit}>
                    <CodeInput value={(*boxes).clone()} onchange={form.on_change(&boxes, "code")}
                               invalid={code_error.is_some()} describedby="code-error"
                               focus_request={*focus_request} />
                    <p class="field-error" id="code-error" data-testid="code-error" aria-live="polite">
                        { code_error.as_deref().map(|e| i18n::in_language(e, lang)).unwrap_or_default() }
                    </p>
                    <div class="actions">
                        <button type="submit" class="button button-primary" id="totp-enable-submit"
                                data-testid="totp-enable-submit" disabled={*busy}>
                            { lang.t(if *busy { "security-setup-submitting" } else { "security-setup-submit" }) }
                        </button>
                        <button type="button" class="button button-secondary" id="totp-setup-cancel"
                                data-testid="totp-setup-cancel" onclick={on_cancel}>
                            { lang.t("button-cancel") }
                        </button>
                    </div>
                </form>
            </li>
        </ol>
    }
}

#[derive(Properties, PartialEq)]
struct ConfirmWithCodeProps {
    action: Confirm,
    /// For password managers: the account the password belongs to.
    username: AttrValue,
    /// Done: the new recovery codes, or `None` once the app is off.
    on_done: Callback<Option<Vec<String>>>,
    on_cancel: Callback<()>,
    on_banner: Callback<Option<String>>,
}

/// The password and a code of the app (or a recovery code), for new recovery codes or turning it off.
#[function_component(ConfirmWithCode)]
fn confirm_with_code(props: &ConfirmWithCodeProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let password = use_state(String::new);
    let entry = use_state(FactorEntry::default);
    let form = use_form_state(&["password", "code"]);
    let busy = use_state(|| false);
    let focus_request = use_state(|| 0_u32);
    let password_ref = use_node_ref();

    let password_error = form.error_of("password", check_required(lang, "password", &password));
    let code_error = form.error_of("code", entry.check(lang));

    let onsubmit = {
        let (password, entry, form, busy, focus_request, password_ref) = (
            password.clone(),
            entry.clone(),
            form.clone(),
            busy.clone(),
            focus_request.clone(),
            password_ref.clone(),
        );
        let (session, on_done, on_banner, action) = (
            session.clone(),
            props.on_done.clone(),
            props.on_banner.clone(),
            props.action,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            if check_required(lang, "password", &password).is_some() {
                focus(&password_ref);
                return;
            }
            let code = match entry.code(lang) {
                Ok(code) => code,
                Err(_) => {
                    focus_request.set(focus_request.wrapping_add(1));
                    return;
                }
            };
            let request = PasswordAndCodeRequest {
                password: (*password).clone(),
                code,
            };
            let kind = entry.kind;
            let (entry, form, busy, focus_request, password_ref) = (
                entry.clone(),
                form.clone(),
                busy.clone(),
                focus_request.clone(),
                password_ref.clone(),
            );
            let (session, on_done, on_banner) =
                (session.clone(), on_done.clone(), on_banner.clone());
            busy.set(true);
            on_banner.emit(None);
            spawn_local(async move {
                let result = match action {
                    Confirm::NewRecoveryCodes => session
                        .authed(|token| api::regenerate_recovery_codes(token, request.clone()))
                        .await
                        .map(|response| Some(response.recovery_codes)),
                    Confirm::TurnOff => session
                        .authed(|token| api::totp_disable(token, request.clone()))
                        .await
                        .map(|()| None),
                };
                busy.set(false);
                match result {
                    Ok(codes) => on_done.emit(codes),
                    Err(problem) if problem.status == 401 => {}
                    Err(problem) => match problem.code {
                        ProblemCode::ValidationFailed if !problem.errors.is_empty() => {
                            let errors = password_and_code_errors(lang, &problem);
                            if errors.iter().any(|(field, _)| field == "password") {
                                focus(&password_ref);
                            } else {
                                focus_request.set(focus_request.wrapping_add(1));
                            }
                            form.set_server_errors(errors.into_iter().collect());
                        }
                        ProblemCode::InvalidCode => {
                            form.set_server_error(
                                "code",
                                factor_problem_message(lang, &problem, kind),
                            );
                            entry.set(entry.cleared());
                            focus_request.set(focus_request.wrapping_add(1));
                        }
                        // Turned off meanwhile (another tab): the page shows the account as it is.
                        ProblemCode::MfaNotSetUp => {
                            on_banner.emit(Some(lang.t("security-already-off")));
                            reload_user(session).await;
                        }
                        _ => on_banner.emit(Some(problem_message(lang, &problem))),
                    },
                }
            });
        })
    };
    // Switching inputs starts the code's judgement afresh: an empty field just shown is no mistake.
    let on_entry = form.on_change_replacing(&entry, "code", |before: &FactorEntry, after| {
        before.kind != after.kind
    });
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());

    let (title, explanation, submit, submitting) = match props.action {
        Confirm::NewRecoveryCodes => (
            msg("security-regenerate-title"),
            msg("security-regenerate-explanation"),
            msg("security-regenerate-submit"),
            msg("security-regenerate-submitting"),
        ),
        Confirm::TurnOff => (
            msg("security-disable-title"),
            msg("security-disable-explanation"),
            msg("security-disable-submit"),
            msg("security-disable-submitting"),
        ),
    };
    html! {
        <form class="form confirm-form" id="security-confirm" data-testid="security-confirm" novalidate=true
              aria-labelledby="security-confirm-heading" {onsubmit}>
            <h3 id="security-confirm-heading">{ lang.t(title) }</h3>
            <p class="hint">{ lang.t(explanation) }</p>
            // Tells password managers which account the password is for.
            <input type="text" name="username" autocomplete="username" value={props.username.clone()}
                   readonly=true hidden=true />
            <FormField id="security-password" label={lang.t("security-password-label")} kind="password" value={(*password).clone()}
                       oninput={form.on_change(&password, "password")} onblur={form.on_blur("password")}
                       error={password_error} autocomplete="current-password" autofocus=true
                       node_ref={password_ref.clone()} />
            <FactorCodeInput id="security-code" value={(*entry).clone()} onchange={on_entry}
                             error={code_error} focus_request={*focus_request} />
            <div class="actions">
                <button type="submit" class="button button-primary" id="security-confirm-submit"
                        data-testid="security-confirm-submit" disabled={*busy}>
                    { lang.t(if *busy { submitting } else { submit }) }
                </button>
                <button type="button" class="button button-secondary" id="security-confirm-cancel"
                        data-testid="security-confirm-cancel" onclick={on_cancel}>
                    { lang.t("button-cancel") }
                </button>
            </div>
        </form>
    }
}
