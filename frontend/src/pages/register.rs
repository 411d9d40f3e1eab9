//! Create an account: username, e-mail address and password, checked as they are typed.

use std::collections::BTreeMap;

use shared::api::RegisterRequest;
use shared::problem::ProblemCode;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{CodeQuery, Touched};
use crate::api;
use crate::app::Route;
use crate::components::{CaptchaStatus, Card, ErrorBanner, FormField};
use crate::hooks::use_captcha;
use crate::messages::{
    check_email, check_password, check_username, field_errors, field_of, problem_message,
};
use crate::tickets::{self, Flow};

#[function_component(Register)]
pub fn register() -> Html {
    let navigator = use_navigator();
    let username = use_state(String::new);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let touched = use_state(Touched::default);
    // Messages from the server, per field, until that field is edited.
    let server = use_state(BTreeMap::<String, String>::new);
    let banner = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let captcha = use_captcha();
    let refs = use_memo((), |_| {
        [NodeRef::default(), NodeRef::default(), NodeRef::default()]
    });

    let error_of = |field: &'static str, local: Option<String>| -> Option<String> {
        server
            .get(field)
            .cloned()
            .or_else(|| touched.has(field).then_some(local).flatten())
    };
    let username_error = error_of("username", check_username(&username));
    let email_error = error_of("email", check_email(&email));
    let password_error = error_of("password", check_password(&password));

    let on_change = |state: &UseStateHandle<String>, field: &'static str| {
        let (state, server) = (state.clone(), server.clone());
        Callback::from(move |value: String| {
            state.set(value);
            if server.contains_key(field) {
                let mut next = (*server).clone();
                next.remove(field);
                server.set(next);
            }
        })
    };
    let on_blur = |field: &'static str| {
        let touched = touched.clone();
        Callback::from(move |()| touched.set(touched.with(field)))
    };

    let onsubmit = {
        let (username, email, password) = (username.clone(), email.clone(), password.clone());
        let (touched, server, banner, busy) = (
            touched.clone(),
            server.clone(),
            banner.clone(),
            busy.clone(),
        );
        let (refs, captcha) = (refs.clone(), captcha.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            touched.set(touched.with("username").with("email").with("password"));
            let checks = [
                check_username(&username),
                check_email(&email),
                check_password(&password),
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
            let (server, banner, busy, navigator, captcha) = (
                server.clone(),
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
                    Ok(sent) => {
                        tickets::save(Flow::Verify, &sent);
                        if let Some(navigator) = navigator {
                            let query = CodeQuery {
                                email: Some(sent.email.clone()),
                                ..CodeQuery::default()
                            };
                            let _ = navigator.push_with_query(&Route::Verify, &query);
                        }
                    }
                    Err(problem) => {
                        busy.set(false);
                        match problem.code {
                            ProblemCode::ValidationFailed => {
                                server.set(field_errors(&problem).into_iter().collect());
                                banner.set(Some(problem_message(&problem)));
                            }
                            code => match field_of(code) {
                                Some(field) => server.set(BTreeMap::from([(
                                    field.to_owned(),
                                    problem_message(&problem),
                                )])),
                                None => banner.set(Some(problem_message(&problem))),
                            },
                        }
                    }
                }
            });
        })
    };

    let lead =
        html! { { "It takes a minute: we e-mail you a 6-digit code to confirm your address." } };
    html! {
        <Card title="Create your account" lead={lead}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                <FormField id="register-username" label="Username" value={(*username).clone()}
                           oninput={on_change(&username, "username")} onblur={on_blur("username")}
                           error={username_error} autocomplete="username" autofocus=true
                           hint="3 to 32 letters, digits, '.', '_' or '-'." node_ref={refs[0].clone()} />
                <FormField id="register-email" label="E-mail address" kind="email" value={(*email).clone()}
                           oninput={on_change(&email, "email")} onblur={on_blur("email")}
                           error={email_error} autocomplete="email" inputmode="email"
                           node_ref={refs[1].clone()} />
                <FormField id="register-password" label="Password" kind="password" value={(*password).clone()}
                           oninput={on_change(&password, "password")} onblur={on_blur("password")}
                           error={password_error} autocomplete="new-password"
                           hint="At least 8 characters; a few words are easy to remember."
                           node_ref={refs[2].clone()} />
                <CaptchaStatus solving={captcha.solving} />
                <button type="submit" class="button button-primary button-block" id="register-submit"
                        data-testid="register-submit" disabled={*busy}>
                    { if *busy { "Creating your account…" } else { "Create account" } }
                </button>
            </form>
            <p class="aside">
                { "Already have an account? " }
                <Link<Route> to={Route::Login} classes="link"><span data-testid="login-link">{ "Sign in" }</span></Link<Route>>
            </p>
        </Card>
    }
}
