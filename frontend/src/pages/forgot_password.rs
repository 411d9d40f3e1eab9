//! Ask for a password reset code. The answer is the same whether or not the address has an account.

use shared::api::EmailRequest;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::CodeQuery;
use crate::api;
use crate::app::Route;
use crate::components::{CaptchaStatus, Card, ErrorBanner, FormField};
use crate::hooks::{use_captcha, use_form_state};
use crate::i18n::{use_lang, Words};
use crate::messages::{check_email, field_errors, problem_message};
use crate::tickets::{self, Flow};

#[function_component(ForgotPassword)]
pub fn forgot_password() -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let email = use_state(String::new);
    let form = use_form_state(&["email"]);
    let banner = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let captcha = use_captcha();
    let node_ref = use_node_ref();

    let error = form.error_of("email", check_email(lang, &email));

    let onsubmit = {
        let (email, form, banner, busy, node_ref) = (
            email.clone(),
            form.clone(),
            banner.clone(),
            busy.clone(),
            node_ref.clone(),
        );
        let captcha = captcha.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            form.touch_all();
            if check_email(lang, &email).is_some() {
                if let Some(input) = node_ref.cast::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
                return;
            }
            let request = EmailRequest {
                email: email.trim().to_owned(),
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
                    .call(|solution| api::forgot_password(&request, solution))
                    .await;
                busy.set(false);
                match result {
                    Ok(sent) => {
                        tickets::save(Flow::Reset, &sent);
                        if let Some(navigator) = navigator {
                            let query = CodeQuery {
                                email: Some(request.email.clone()),
                                ..CodeQuery::default()
                            };
                            let _ = navigator.push_with_query(&Route::ResetPassword, &query);
                        }
                    }
                    Err(problem) => match field_errors(lang, &problem).into_iter().next() {
                        Some((_, message)) => form.set_server_error("email", message),
                        None => banner.set(Some(problem_message(lang, &problem))),
                    },
                }
            });
        })
    };
    let have_code = CodeQuery {
        email: Some(email.trim().to_owned()).filter(|e| !e.is_empty()),
        ..CodeQuery::default()
    };

    let lead = html! { { lang.t("forgot-lead") } };
    html! {
        <Card title={lang.t("forgot-title")} lead={lead}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <form class="form" novalidate=true {onsubmit}>
                <FormField id="forgot-email" label={lang.t("forgot-email-label")} kind="email" value={(*email).clone()}
                           oninput={form.on_change(&email, "email")} onblur={form.on_blur("email")}
                           {error} autocomplete="email" inputmode="email"
                           autofocus=true node_ref={node_ref.clone()} />
                <CaptchaStatus solving={captcha.solving} />
                <button type="submit" class="button button-primary button-block" id="forgot-submit"
                        data-testid="forgot-submit" disabled={*busy}>
                    { if *busy { lang.t("forgot-submitting") } else { lang.t("forgot-submit") } }
                </button>
            </form>
            <p class="aside">
                <Link<Route, CodeQuery> to={Route::ResetPassword} query={Some(have_code)} classes="link">
                    <span data-testid="have-code-link">{ lang.t("forgot-have-code-link") }</span>
                </Link<Route, CodeQuery>>
            </p>
            <p class="aside">
                <Link<Route> to={Route::Login} classes="link">{ lang.t("forgot-back-to-login") }</Link<Route>>
            </p>
        </Card>
    }
}
