//! Create an account: username, e-mail address and password, checked as they are typed.

use shared::api::RegisterRequest;
use shared::problem::ProblemCode;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{CodeQuery, LoginQuery};
use crate::api;
use crate::app::Route;
use crate::components::{CaptchaStatus, Card, ErrorBanner, FormField, Notice};
use crate::hooks::{use_captcha, use_form_state};
use crate::i18n::{use_lang, Language, Words};
use crate::messages::{
    check_email, check_password, check_username, field_errors, field_of, problem_message,
};
use crate::registration_token;
use crate::tickets::{self, Flow};

fn notice_text(lang: Language, key: Option<&str>) -> Option<String> {
    match key? {
        "account-deleted" => Some(lang.t("register-notice-account-deleted")),
        _ => None,
    }
}

#[function_component(Register)]
pub fn register() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let query = use_location()
        .and_then(|l| l.query::<LoginQuery>().ok())
        .unwrap_or_default();
    let username = use_state(String::new);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let form = use_form_state(&["username", "email", "password"]);
    let banner = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let captcha = use_captcha();
    let refs = use_memo((), |_| {
        [NodeRef::default(), NodeRef::default(), NodeRef::default()]
    });

    let username_error = form.error_of("username", check_username(lang, &username));
    let email_error = form.error_of("email", check_email(lang, &email));
    let password_error = form.error_of("password", check_password(lang, &password));

    let onsubmit = {
        let (username, email, password) = (username.clone(), email.clone(), password.clone());
        let (form, banner, busy) = (form.clone(), banner.clone(), busy.clone());
        let (refs, captcha) = (refs.clone(), captcha.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            let checks = [
                check_username(lang, &username),
                check_email(lang, &email),
                check_password(lang, &password),
            ];
            if let Some(first) = checks.iter().position(Option::is_some) {
                if let Some(input) = refs[first].cast::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
                return;
            }
            let request = RegisterRequest {
                username: username.trim().to_owned(),
                email: email.trim().to_owned(),
                password: (*password).clone(),
            };
            let (form, banner, busy, navigator, captcha) = (
                form.clone(),
                banner.clone(),
                busy.clone(),
                navigator.clone(),
                captcha.clone(),
            );
            busy.set(true);
            banner.set(None);
            spawn_local(async move {
                let result = captcha
                    .call(|solution| api::register(&request, solution))
                    .await;
                match result {
                    Ok(registered) => {
                        registration_token::save(&registered.email, &registered.registration_token);
                        tickets::save(Flow::Verify, &registered.sent());
                        if let Some(navigator) = navigator {
                            let query = CodeQuery {
                                email: Some(registered.email.clone()),
                                ..CodeQuery::default()
                            };
                            let _ = navigator.push_with_query(&Route::Verify, &query);
                        }
                    }
                    Err(problem) => {
                        busy.set(false);
                        match problem.code {
                            ProblemCode::ValidationFailed => {
                                form.set_server_errors(
                                    field_errors(lang, &problem).into_iter().collect(),
                                );
                                banner.set(Some(problem_message(lang, &problem)));
                            }
                            code => match field_of(code) {
                                Some(field) => {
                                    form.set_server_error(field, problem_message(lang, &problem))
                                }
                                None => banner.set(Some(problem_message(lang, &problem))),
                            },
                        }
                    }
                }
            });
        })
    };

    let lead = html! { { lang.t("register-lead") } };
    html! {
        <Card title={lang.t("register-title")} lead={lead}>
            <Notice testid="notice-banner" message={notice_text(lang, query.notice.as_deref()).map(AttrValue::from)} />
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                <FormField id="register-username" label={lang.t("register-username-label")} value={(*username).clone()}
                           oninput={form.on_change(&username, "username")} onblur={form.on_blur("username")}
                           error={username_error} autocomplete="username" autofocus=true
                           hint={lang.t("register-username-hint")} node_ref={refs[0].clone()} />
                <FormField id="register-email" label={lang.t("register-email-label")} kind="email" value={(*email).clone()}
                           oninput={form.on_change(&email, "email")} onblur={form.on_blur("email")}
                           error={email_error} autocomplete="email" inputmode="email"
                           node_ref={refs[1].clone()} />
                <FormField id="register-password" label={lang.t("register-password-label")} kind="password" value={(*password).clone()}
                           oninput={form.on_change(&password, "password")} onblur={form.on_blur("password")}
                           error={password_error} autocomplete="new-password"
                           hint={lang.t("register-password-hint")}
                           node_ref={refs[2].clone()} />
                <CaptchaStatus solving={captcha.solving} />
                <button type="submit" class="button button-primary button-block" id="register-submit"
                        data-testid="register-submit" disabled={*busy}>
                    { if *busy { lang.t("register-submitting") } else { lang.t("register-submit") } }
                </button>
            </form>
            <p class="aside">
                { lang.t("register-have-account") }{ " " }
                <Link<Route> to={Route::Login} classes="link"><span data-testid="login-link">{ lang.t("register-login-link") }</span></Link<Route>>
            </p>
        </Card>
    }
}
