//! The security page's "Your data": everything the portal keeps about the account as a JSON file, and the
//! account's deletion, confirmed with the password (and a code of the authenticator app when it is on).
//! A part of the security page, not a route of its own.

use shared::api::{DeleteAccountRequest, User};
use shared::problem::ProblemCode;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::LoginQuery;
use crate::api;
use crate::app::Route;
use crate::components::{ErrorBanner, FactorCodeInput, FormField};
use crate::download;
use crate::factor::FactorEntry;
use crate::hooks::{use_form_state, use_session};
use crate::i18n::{self, use_lang, Language, Words};
use crate::messages::{
    check_required, factor_problem_message, password_and_code_errors, problem_message,
};

fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// `otp-portal-export-alice.json`.
fn export_file_name(username: &str) -> String {
    download::file_name("otp-portal-export", username, "json")
}

/// What deleting the account does, said before it is done.
fn deletion_consequence(lang: Language, email: &str) -> String {
    lang.tf(
        "account-data-delete-consequence",
        &[("email", email.into())],
    )
}

#[derive(Properties, PartialEq)]
pub struct AccountDataProps {
    pub user: User,
}

#[function_component(AccountData)]
pub fn account_data(props: &AccountDataProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let status = use_state(|| None::<String>);
    let downloading = use_state(|| false);
    let deleting = use_state(|| false);
    let delete_ref = use_node_ref();
    // Bumped when the confirmation closes: once the button is back, it takes the caret again.
    let closed = use_state(|| 0_u32);
    {
        let delete_ref = delete_ref.clone();
        use_effect_with(*closed, move |closed| {
            if *closed > 0 {
                focus(&delete_ref);
            }
        });
    }

    let on_download = {
        let (session, status, downloading) = (session.clone(), status.clone(), downloading.clone());
        let name = export_file_name(&props.user.username);
        Callback::from(move |_: MouseEvent| {
            if *downloading {
                return;
            }
            let (session, status, downloading, name) = (
                session.clone(),
                status.clone(),
                downloading.clone(),
                name.clone(),
            );
            downloading.set(true);
            status.set(None);
            spawn_local(async move {
                let result = session.authed(api::export_account).await;
                downloading.set(false);
                let message = match result {
                    Ok(export) => match serde_json::to_string_pretty(&export) {
                        Ok(text) => match download::save(&name, "application/json", &text) {
                            Ok(()) => lang.tf("account-data-saved", &[("name", (&name).into())]),
                            Err(_) => lang.t("account-data-save-refused"),
                        },
                        Err(_) => lang.t("account-data-not-written"),
                    },
                    // The session has ended: the page sends the person to sign in.
                    Err(problem) if problem.status == 401 => return,
                    Err(problem) => problem_message(lang, &problem),
                };
                status.set(Some(message));
            });
        })
    };
    let on_open = {
        let deleting = deleting.clone();
        Callback::from(move |_: MouseEvent| deleting.set(true))
    };
    let on_cancel = {
        let (deleting, closed) = (deleting.clone(), closed.clone());
        Callback::from(move |()| {
            deleting.set(false);
            closed.set(closed.wrapping_add(1));
        })
    };

    html! {
        <section class="account-data" aria-labelledby="account-data-heading">
            <h2 id="account-data-heading">{ lang.t("account-data-heading") }</h2>
            <p class="hint">
                { lang.t("account-data-text") }
            </p>
            <div class="actions">
                <button type="button" class="button button-secondary" id="download-data" data-testid="download-data"
                        disabled={*downloading} onclick={on_download}>
                    { if *downloading { lang.t("account-data-downloading") } else { lang.t("account-data-download") } }
                </button>
                if !*deleting {
                    <button type="button" class="button button-danger" id="delete-account" data-testid="delete-account"
                            ref={delete_ref.clone()} onclick={on_open}>
                        { lang.t("account-data-delete") }
                    </button>
                }
            </div>
            <p class="hint status-line" id="download-data-status" data-testid="download-data-status"
               role="status" aria-live="polite">
                { status.as_deref().map(|s| i18n::in_language(s, lang)).unwrap_or_default() }
            </p>
            if *deleting {
                <DeleteAccount user={props.user.clone()} {on_cancel} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DeleteAccountProps {
    user: User,
    on_cancel: Callback<()>,
}

/// The confirmation: what happens, the password, and the app's code (or a recovery code) when it is on.
#[function_component(DeleteAccount)]
fn delete_account(props: &DeleteAccountProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let password = use_state(String::new);
    let entry = use_state(FactorEntry::default);
    let form = use_form_state(&["password", "code"]);
    let banner = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let focus_request = use_state(|| 0_u32);
    let password_ref = use_node_ref();
    let heading_ref = use_node_ref();
    {
        // The confirmation just opened in place of the button: the reading position moves to it.
        let heading_ref = heading_ref.clone();
        use_effect_with((), move |_| focus(&heading_ref));
    }
    let with_code = props.user.mfa_enabled;

    let password_error = form.error_of("password", check_required(lang, "password", &password));
    let code_error = with_code
        .then(|| form.error_of("code", entry.check(lang)))
        .flatten();

    let onsubmit = {
        let (password, entry, form, banner, busy, focus_request, password_ref) = (
            password.clone(),
            entry.clone(),
            form.clone(),
            banner.clone(),
            busy.clone(),
            focus_request.clone(),
            password_ref.clone(),
        );
        let (session, navigator) = (session.clone(), navigator.clone());
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
            let code = if with_code {
                match entry.code(lang) {
                    Ok(code) => Some(code),
                    Err(_) => {
                        focus_request.set(focus_request.wrapping_add(1));
                        return;
                    }
                }
            } else {
                None
            };
            let request = DeleteAccountRequest {
                password: (*password).clone(),
                code,
            };
            let kind = entry.kind;
            let (entry, form, banner, busy, focus_request, password_ref) = (
                entry.clone(),
                form.clone(),
                banner.clone(),
                busy.clone(),
                focus_request.clone(),
                password_ref.clone(),
            );
            let (session, navigator) = (session.clone(), navigator.clone());
            busy.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = session
                    .authed(|token| api::delete_account(token, request.clone()))
                    .await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        // The server ended every session with the account: only this tab's copy is left.
                        session.forget();
                        if let Some(navigator) = navigator {
                            let query = LoginQuery {
                                notice: Some("account-deleted".to_owned()),
                            };
                            let _ = navigator.push_with_query(&Route::Register, &query);
                        }
                    }
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
                        _ => banner.set(Some(problem_message(lang, &problem))),
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
    let asks = lang.t(if with_code {
        "account-data-delete-asks-code"
    } else {
        "account-data-delete-asks-password"
    });

    html! {
        <form class="form confirm-form danger-zone" id="delete-account-panel" data-testid="delete-account-panel"
              novalidate=true aria-labelledby="delete-account-heading" {onsubmit}>
            <h3 id="delete-account-heading" tabindex="-1" ref={heading_ref}>{ lang.t("account-data-delete-heading") }</h3>
            <p id="delete-account-consequence" data-testid="delete-account-consequence">
                { deletion_consequence(lang, &props.user.email) }
            </p>
            <p class="hint">{ asks }</p>
            <ErrorBanner testid="delete-account-error" message={(*banner).clone().map(AttrValue::from)} />
            // Tells password managers which account the password is for.
            <input type="text" name="username" autocomplete="username" value={props.user.username.clone()}
                   readonly=true hidden=true />
            <FormField id="delete-password" label={lang.t("account-data-password-label")} kind="password" value={(*password).clone()}
                       oninput={form.on_change(&password, "password")} onblur={form.on_blur("password")}
                       error={password_error} autocomplete="current-password"
                       node_ref={password_ref.clone()} />
            if with_code {
                <FactorCodeInput id="delete-code" value={(*entry).clone()} onchange={on_entry}
                                 error={code_error} focus_request={*focus_request} />
            }
            <div class="actions">
                <button type="submit" class="button button-danger" id="delete-confirm" data-testid="delete-confirm"
                        disabled={*busy}>
                    { if *busy { lang.t("account-data-deleting") } else { lang.t("account-data-delete-confirm") } }
                </button>
                <button type="button" class="button button-secondary" id="delete-cancel" data-testid="delete-cancel"
                        disabled={*busy} onclick={on_cancel}>
                    { lang.t("account-data-keep") }
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_is_named_after_the_account() {
        assert_eq!(export_file_name("alice"), "otp-portal-export-alice.json");
    }

    #[test]
    fn the_deletion_says_what_goes_and_that_it_is_final() {
        let text = deletion_consequence(Language::ENGLISH, "ada@example.com");
        for part in [
            "deleted at once",
            "sessions",
            "second factor",
            "codes",
            "cannot be restored",
            "username and the address ada@example.com become free",
            "goodbye mail",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }
}
