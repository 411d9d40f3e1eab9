//! The dashboard's "Change your password" form: the current password, a new one checked as it is typed
//! by the server's own rules, and the server's verdict under each field. A part of the dashboard, not a
//! route of its own.

use shared::api::ChangePasswordRequest;
use shared::problem::ProblemCode;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{ErrorBanner, FormField, Notice};
use crate::hooks::{use_form_state, use_session};
use crate::i18n::{use_lang, Language, Words};
use crate::messages::{check_password, field_errors, field_sentence, problem_message};

const CURRENT: &str = "current_password";
const NEW: &str = "new_password";

/// The server takes any non-empty current password (spaces included) and judges it by its hash.
fn check_current(lang: Language, value: &str) -> Option<String> {
    value
        .is_empty()
        .then(|| field_sentence(lang, CURRENT, "is required"))
}

#[derive(Properties, PartialEq)]
pub struct ChangePasswordProps {
    /// For password managers: the account the new password belongs to.
    pub username: AttrValue,
    /// The password was changed (and the account's other sessions were signed out).
    pub on_changed: Callback<()>,
}

#[function_component(ChangePassword)]
pub fn change_password(props: &ChangePasswordProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let form = use_form_state(&[CURRENT, NEW]);
    let banner = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let current_ref = use_node_ref();
    let new_ref = use_node_ref();

    let current_error = form.error_of(CURRENT, check_current(lang, &current));
    let new_error = form.error_of(NEW, check_password(lang, &new));
    // Typing in either field puts away the notice of an earlier change.
    let on_change = |state: &UseStateHandle<String>, field: &'static str| {
        let notice = notice.clone();
        form.on_change_and(state, field, move |_| notice.set(None))
    };

    let onsubmit = {
        let (current, new, form, banner, notice, busy) = (
            current.clone(),
            new.clone(),
            form.clone(),
            banner.clone(),
            notice.clone(),
            busy.clone(),
        );
        let (current_ref, new_ref, session, on_changed) = (
            current_ref.clone(),
            new_ref.clone(),
            session.clone(),
            props.on_changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            let first_invalid = if check_current(lang, &current).is_some() {
                Some(&current_ref)
            } else if check_password(lang, &new).is_some() {
                Some(&new_ref)
            } else {
                None
            };
            if let Some(node) = first_invalid {
                if let Some(input) = node.cast::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
                return;
            }
            let request = ChangePasswordRequest {
                current_password: (*current).clone(),
                new_password: (*new).clone(),
            };
            let (current, new, form, banner, notice, busy) = (
                current.clone(),
                new.clone(),
                form.clone(),
                banner.clone(),
                notice.clone(),
                busy.clone(),
            );
            let (session, on_changed) = (session.clone(), on_changed.clone());
            busy.set(true);
            banner.set(None);
            notice.set(None);
            spawn_local(async move {
                let result = session
                    .authed(|token| api::change_password(token, request.clone()))
                    .await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        current.set(String::new());
                        new.set(String::new());
                        form.clear();
                        notice.set(Some(lang.t("change-password-done")));
                        on_changed.emit(());
                    }
                    // The session has ended: the dashboard sends the person to sign in.
                    Err(problem) if problem.status == 401 => {}
                    Err(problem) if problem.code == ProblemCode::ValidationFailed => {
                        let errors = field_errors(lang, &problem);
                        if errors.is_empty() {
                            banner.set(Some(problem_message(lang, &problem)));
                        }
                        form.set_server_errors(errors.into_iter().collect());
                    }
                    Err(problem) => banner.set(Some(problem_message(lang, &problem))),
                }
            });
        })
    };

    html! {
        <section class="change-password" aria-labelledby="change-password-heading">
            <h2 id="change-password-heading">{ lang.t("change-password-heading") }</h2>
            <ErrorBanner testid="change-password-error" message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="change-password-notice" message={(*notice).clone().map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                // Tells password managers which account the new password is for.
                <input type="text" name="username" autocomplete="username" value={props.username.clone()}
                       readonly=true hidden=true />
                <FormField id="change-current-password" label={lang.t("change-password-current-label")} kind="password"
                           value={(*current).clone()} oninput={on_change(&current, CURRENT)}
                           onblur={form.on_blur(CURRENT)} error={current_error}
                           autocomplete="current-password" node_ref={current_ref.clone()} />
                <FormField id="change-new-password" label={lang.t("change-password-new-label")} kind="password"
                           value={(*new).clone()} oninput={on_change(&new, NEW)}
                           onblur={form.on_blur(NEW)} error={new_error} autocomplete="new-password"
                           hint={lang.t("change-password-new-hint")}
                           node_ref={new_ref.clone()} />
                <div class="actions">
                    <button type="submit" class="button button-secondary" id="change-password-submit"
                            data-testid="change-password-submit" disabled={*busy}>
                        { if *busy { lang.t("change-password-submitting") } else { lang.t("change-password-submit") } }
                    </button>
                </div>
            </form>
        </section>
    }
}
