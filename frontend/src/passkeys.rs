//! Passkeys in the client: the sign-in page's button and its autofill offer, the second step's "use a
//! passkey", and the security page's list where they are added and removed.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use shared::api::LoginResponse;
use shared::passkeys::{
    PasskeyInfo, PasskeyLoginRequest, PasskeyRegistrationOptionsRequest,
    PasskeyRegistrationRequest, PasskeySecondFactorOptionsRequest, PasskeySecondFactorRequest,
};
use shared::problem::{Problem, ProblemCode};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{ErrorBanner, FormField, Notice};
use crate::hooks::{use_form_state, use_session};
use crate::i18n::{use_lang, Language, Words};
use crate::labels::when;
use crate::messages::{check_required, field_errors, problem_message};
use crate::webauthn::{self, Abort, Failure};

/// Why a passkey gave no result: the browser's side or the server's.
#[derive(Debug)]
pub enum PasskeyError {
    Browser(Failure),
    Server(Problem),
}

impl From<Problem> for PasskeyError {
    fn from(problem: Problem) -> Self {
        Self::Server(problem)
    }
}

impl From<Failure> for PasskeyError {
    fn from(failure: Failure) -> Self {
        Self::Browser(failure)
    }
}

/// What to tell the person.
pub fn error_message(lang: Language, error: &PasskeyError) -> String {
    match error {
        PasskeyError::Browser(Failure::Unsupported) => lang.t("passkey-unsupported"),
        PasskeyError::Browser(Failure::Cancelled) => lang.t("passkey-cancelled"),
        PasskeyError::Browser(Failure::AlreadyRegistered) => lang.t("passkey-already-registered"),
        PasskeyError::Browser(Failure::Failed(why)) => {
            lang.tf("passkey-failed", &[("why", why.as_str().into())])
        }
        PasskeyError::Server(problem) => problem_message(lang, problem),
    }
}

/// One whole sign-in: options, the browser's passkey dialog (or the autofill, with `conditional`), the
/// server's verdict.
async fn sign_in(conditional: Option<&Abort>) -> Result<LoginResponse, PasskeyError> {
    let options = api::passkey_login_options().await?;
    let credential = webauthn::get(&options.public_key, conditional).await?;
    let request = PasskeyLoginRequest {
        ceremony_id: options.ceremony_id,
        credential,
    };
    Ok(api::passkey_login(&request).await?)
}

#[derive(Properties, PartialEq)]
pub struct PasskeySignInProps {
    /// Signed in, or on to the second step.
    pub on_result: Callback<LoginResponse>,
    /// What went wrong, for the page's banner.
    pub on_error: Callback<String>,
}

/// "Sign in with a passkey", and the same offer in the username field's autofill where the browser has
/// one (the field must say `autocomplete="username webauthn"`).
#[function_component(PasskeySignIn)]
pub fn passkey_sign_in(props: &PasskeySignInProps) -> Html {
    let lang = use_lang();
    let busy = use_state(|| false);
    // The autofill's waiting request: withdrawn before the button asks, or when the page goes.
    let waiting: Rc<RefCell<Option<Abort>>> = use_mut_ref(|| None);
    {
        let (waiting, on_result, on_error) = (
            waiting.clone(),
            props.on_result.clone(),
            props.on_error.clone(),
        );
        use_effect_with((), move |_| {
            let cleanup = waiting.clone();
            spawn_local(async move {
                if !webauthn::conditional_mediation_available().await {
                    return;
                }
                let Some(abort) = Abort::new() else {
                    return;
                };
                waiting.replace(Some(abort.clone()));
                match sign_in(Some(&abort)).await {
                    Ok(response) => on_result.emit(response),
                    // Withdrawn, or nothing chosen: the autofill just goes quiet.
                    Err(PasskeyError::Browser(_)) => {}
                    Err(error) => on_error.emit(error_message(lang, &error)),
                }
            });
            move || {
                if let Some(abort) = cleanup.borrow_mut().take() {
                    abort.abort();
                }
            }
        });
    }
    if !webauthn::supported() {
        return html! {};
    }
    let onclick = {
        let (busy, waiting, on_result, on_error) = (
            busy.clone(),
            waiting.clone(),
            props.on_result.clone(),
            props.on_error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            if let Some(abort) = waiting.borrow_mut().take() {
                abort.abort();
            }
            let (busy, on_result, on_error) = (busy.clone(), on_result.clone(), on_error.clone());
            busy.set(true);
            spawn_local(async move {
                let result = sign_in(None).await;
                busy.set(false);
                match result {
                    Ok(response) => on_result.emit(response),
                    Err(error) => on_error.emit(error_message(lang, &error)),
                }
            });
        })
    };
    html! {
        <button type="button" class="button button-secondary button-block" id="passkey-sign-in"
                data-testid="passkey-sign-in" aria-disabled={(*busy).to_string()} {onclick}>
            { lang.t(if *busy { "passkey-sign-in-busy" } else { "passkey-sign-in" }) }
        </button>
    }
}

#[derive(Properties, PartialEq)]
pub struct PasskeyStepProps {
    pub mfa_token: AttrValue,
    /// The login's second step is over (spent, expired, too many failures): start again.
    pub on_expired: Callback<String>,
}

/// The second step with a passkey instead of a code.
#[function_component(PasskeyStep)]
pub fn passkey_step(props: &PasskeyStepProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    if !webauthn::supported() {
        return html! {};
    }
    let onclick = {
        let (busy, error, session, navigator, on_expired) = (
            busy.clone(),
            error.clone(),
            session.clone(),
            navigator.clone(),
            props.on_expired.clone(),
        );
        let mfa_token = props.mfa_token.to_string();
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            let (busy, error, session, navigator, on_expired, mfa_token) = (
                busy.clone(),
                error.clone(),
                session.clone(),
                navigator.clone(),
                on_expired.clone(),
                mfa_token.clone(),
            );
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let result: Result<_, PasskeyError> = async {
                    let options =
                        api::passkey_second_factor_options(&PasskeySecondFactorOptionsRequest {
                            mfa_token: mfa_token.clone(),
                        })
                        .await?;
                    let credential = webauthn::get(&options.public_key, None).await?;
                    let request = PasskeySecondFactorRequest {
                        mfa_token,
                        ceremony_id: options.ceremony_id,
                        credential,
                    };
                    Ok(api::passkey_second_factor(&request).await?)
                }
                .await;
                busy.set(false);
                match result {
                    Ok(tokens) => {
                        session.sign_in(tokens);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Dashboard);
                        }
                    }
                    Err(PasskeyError::Server(problem))
                        if problem.code == ProblemCode::InvalidToken =>
                    {
                        on_expired.emit(problem_message(lang, &problem));
                    }
                    Err(failure) => error.set(Some(error_message(lang, &failure))),
                }
            });
        })
    };
    html! {
        <div class="passkey-step">
            <ErrorBanner testid="passkey-step-error" message={(*error).clone().map(AttrValue::from)} />
            <button type="button" class="button button-secondary button-block" id="passkey-second-factor"
                    data-testid="passkey-second-factor" aria-disabled={(*busy).to_string()} {onclick}>
                { lang.t(if *busy { "passkey-sign-in-busy" } else { "passkey-second-factor" }) }
            </button>
        </div>
    }
}

/// How a passkey signs in, said on its line.
fn strength(lang: Language, passkey: &PasskeyInfo) -> String {
    lang.t(if passkey.user_verified {
        "passkeys-verifies"
    } else {
        "passkeys-presence-only"
    })
}

fn used(lang: Language, passkey: &PasskeyInfo) -> String {
    match passkey.last_used_at {
        Some(at) => lang.tf("passkeys-last-used", &[("when", when(at).as_str().into())]),
        None => lang.t("passkeys-never-used"),
    }
}

/// The security page's passkeys: the list with each one's name, age, last use and a remove button, and
/// the form that adds one (a name and the password, then the browser's dialog).
#[function_component(PasskeysSection)]
pub fn passkeys_section() -> Html {
    let lang = use_lang();
    let session = use_session();
    let list = use_state(|| None::<Vec<PasskeyInfo>>);
    let name = use_state(String::new);
    let password = use_state(String::new);
    let form = use_form_state(&["name", "password"]);
    let banner = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let reloads = use_state(|| 0_u32);
    {
        let (session, list, banner) = (session.clone(), list.clone(), banner.clone());
        use_effect_with(*reloads, move |_| {
            spawn_local(async move {
                match session.authed(api::passkeys).await {
                    Ok(passkeys) => list.set(Some(passkeys)),
                    Err(problem) if problem.status == 401 => {}
                    Err(problem) => banner.set(Some(problem_message(lang, &problem))),
                }
            });
        });
    }

    let name_error = form.error_of("name", check_required(lang, "name", &name));
    let password_error = form.error_of("password", check_required(lang, "password", &password));

    let onsubmit = {
        let (name, password, form, banner, notice, busy, reloads, session) = (
            name.clone(),
            password.clone(),
            form.clone(),
            banner.clone(),
            notice.clone(),
            busy.clone(),
            reloads.clone(),
            session.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            if check_required(lang, "name", &name).is_some()
                || check_required(lang, "password", &password).is_some()
            {
                return;
            }
            let (chosen, secret) = (name.trim().to_owned(), (*password).clone());
            let (name, password, form, banner, notice, busy, reloads, session) = (
                name.clone(),
                password.clone(),
                form.clone(),
                banner.clone(),
                notice.clone(),
                busy.clone(),
                reloads.clone(),
                session.clone(),
            );
            busy.set(true);
            banner.set(None);
            notice.set(None);
            form.set_server_errors(BTreeMap::new());
            spawn_local(async move {
                let result: Result<PasskeyInfo, PasskeyError> = async {
                    let options = session
                        .authed(|token| {
                            api::passkey_registration_options(
                                token,
                                PasskeyRegistrationOptionsRequest {
                                    password: secret.clone(),
                                },
                            )
                        })
                        .await?;
                    let credential = webauthn::create(&options.public_key).await?;
                    let request = PasskeyRegistrationRequest {
                        ceremony_id: options.ceremony_id,
                        name: chosen.clone(),
                        credential,
                    };
                    Ok(session
                        .authed(|token| api::add_passkey(token, request.clone()))
                        .await?)
                }
                .await;
                busy.set(false);
                match result {
                    Ok(added) => {
                        name.set(String::new());
                        password.set(String::new());
                        form.clear();
                        notice.set(Some(
                            lang.tf("passkeys-added", &[("name", added.name.as_str().into())]),
                        ));
                        reloads.set(reloads.wrapping_add(1));
                    }
                    Err(PasskeyError::Server(problem)) if problem.status == 401 => {}
                    Err(PasskeyError::Server(problem))
                        if problem.code == ProblemCode::ValidationFailed =>
                    {
                        let errors = field_errors(lang, &problem);
                        if errors.is_empty() {
                            banner.set(Some(problem_message(lang, &problem)));
                        }
                        form.set_server_errors(errors.into_iter().collect());
                    }
                    Err(error) => banner.set(Some(error_message(lang, &error))),
                }
            });
        })
    };

    let on_remove = {
        let (session, banner, notice, reloads) = (
            session.clone(),
            banner.clone(),
            notice.clone(),
            reloads.clone(),
        );
        Callback::from(move |passkey: PasskeyInfo| {
            let (session, banner, notice, reloads) = (
                session.clone(),
                banner.clone(),
                notice.clone(),
                reloads.clone(),
            );
            spawn_local(async move {
                let id = passkey.id;
                match session.authed(|token| api::remove_passkey(token, id)).await {
                    Ok(()) => {
                        notice.set(Some(lang.tf(
                            "passkeys-removed",
                            &[("name", passkey.name.as_str().into())],
                        )));
                        reloads.set(reloads.wrapping_add(1));
                    }
                    Err(problem) if problem.status == 401 => {}
                    Err(problem) => banner.set(Some(problem_message(lang, &problem))),
                }
            });
        })
    };

    let items = match &*list {
        None => html! {},
        Some(passkeys) if passkeys.is_empty() => html! {
            <p class="hint" data-testid="passkeys-empty">{ lang.t("passkeys-empty") }</p>
        },
        Some(passkeys) => html! {
            <ul class="passkey-list" data-testid="passkey-list">
                { for passkeys.iter().map(|passkey| {
                    let remove = {
                        let (on_remove, passkey) = (on_remove.clone(), passkey.clone());
                        Callback::from(move |_: MouseEvent| on_remove.emit(passkey.clone()))
                    };
                    let label = lang.tf("passkeys-remove-label", &[("name", passkey.name.as_str().into())]);
                    html! {
                        <li class="passkey" data-testid="passkey-item">
                            <div class="passkey-text">
                                <strong data-testid="passkey-item-name">{ &passkey.name }</strong>
                                <span class="hint">
                                    { lang.tf("passkeys-created", &[("when", when(passkey.created_at).as_str().into())]) }
                                    { " · " }{ used(lang, passkey) }{ " · " }{ strength(lang, passkey) }
                                </span>
                            </div>
                            <button type="button" class="button button-secondary" data-testid="passkey-remove"
                                    aria-label={label} onclick={remove}>
                                { lang.t("passkeys-remove") }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    };

    html! {
        <section class="security-section passkeys" aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">{ lang.t("passkeys-heading") }</h2>
            <p class="hint">{ lang.t("passkeys-text") }</p>
            <ErrorBanner testid="passkeys-error" message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="passkeys-notice" message={(*notice).clone().map(AttrValue::from)} />
            { items }
            if webauthn::supported() {
                <form class="form" novalidate=true {onsubmit}>
                    <FormField id="passkey-name" label={lang.t("passkeys-name-label")} value={(*name).clone()}
                               hint={AttrValue::from(lang.t("passkeys-name-hint"))}
                               oninput={form.on_change(&name, "name")} onblur={form.on_blur("name")} error={name_error} />
                    <FormField id="passkey-password" label={lang.t("passkeys-password-label")} kind="password"
                               value={(*password).clone()} autocomplete="current-password"
                               oninput={form.on_change(&password, "password")} onblur={form.on_blur("password")}
                               error={password_error} />
                    <button type="submit" class="button button-primary" id="passkey-add" data-testid="passkey-add"
                            aria-disabled={(*busy).to_string()}>
                        { lang.t(if *busy { "passkeys-adding" } else { "passkeys-add" }) }
                    </button>
                </form>
            } else {
                <p class="hint" data-testid="passkeys-unsupported">{ lang.t("passkey-unsupported") }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminPasskeysProps {
    pub user_id: uuid::Uuid,
    pub passkeys: Vec<PasskeyInfo>,
    /// A passkey was removed: the page reloads the account.
    pub on_changed: Callback<()>,
}

/// An account's passkeys on the admin's user page, each with a remove button.
#[function_component(AdminPasskeys)]
pub fn admin_passkeys(props: &AdminPasskeysProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let status = use_state(|| None::<String>);
    let items = props.passkeys.iter().map(|passkey| {
        let onclick = {
            let (session, status, on_changed, user_id, passkey) = (
                session.clone(),
                status.clone(),
                props.on_changed.clone(),
                props.user_id,
                passkey.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let (session, status, on_changed, passkey) = (
                    session.clone(),
                    status.clone(),
                    on_changed.clone(),
                    passkey.clone(),
                );
                spawn_local(async move {
                    let id = passkey.id;
                    let message = match session
                        .authed(|token| api::admin_remove_passkey(token, user_id, id))
                        .await
                    {
                        Ok(()) => {
                            on_changed.emit(());
                            lang.tf(
                                "admin-user-passkey-removed",
                                &[("name", passkey.name.as_str().into())],
                            )
                        }
                        Err(problem) => problem_message(lang, &problem),
                    };
                    status.set(Some(message));
                });
            })
        };
        let label = lang.tf(
            "admin-user-passkey-remove-label",
            &[("name", passkey.name.as_str().into())],
        );
        html! {
            <li class="passkey" data-testid="admin-passkey">
                <div class="passkey-text">
                    <strong>{ &passkey.name }</strong>
                    <span class="hint">
                        { lang.tf("passkeys-created", &[("when", when(passkey.created_at).as_str().into())]) }
                        { " · " }{ used(lang, passkey) }{ " · " }{ strength(lang, passkey) }
                    </span>
                </div>
                <button type="button" class="button button-secondary" data-testid="admin-passkey-remove"
                        aria-label={label} {onclick}>
                    { lang.t("admin-user-passkey-remove") }
                </button>
            </li>
        }
    });
    html! {
        <>
            <h2 id="admin-passkeys-heading">{ lang.t("admin-user-passkeys-heading") }</h2>
            if props.passkeys.is_empty() {
                <p class="empty" id="admin-passkeys-empty">{ lang.t("admin-user-passkeys-empty") }</p>
            } else {
                <ul class="passkey-list" id="admin-passkeys">{ for items }</ul>
            }
            <p class="hint status-line" role="status" aria-live="polite" data-testid="admin-passkeys-status">
                { (*status).clone().unwrap_or_default() }
            </p>
        </>
    }
}
