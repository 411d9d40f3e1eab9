//! The quiet line shown while the browser works through the server's CAPTCHA puzzle.

use yew::prelude::*;

use crate::i18n::{use_lang, Words};

#[derive(Properties, PartialEq)]
pub struct CaptchaStatusProps {
    pub solving: bool,
}

/// Always in the page (empty when idle), so that screen readers are already watching it.
#[function_component(CaptchaStatus)]
pub fn captcha_status(props: &CaptchaStatusProps) -> Html {
    let lang = use_lang();
    html! {
        <p class="captcha-status" id="captcha-status" data-testid="captcha-status" role="status"
           aria-live="polite" data-solving={props.solving.to_string()}>
            if props.solving {
                <span class="spinner" aria-hidden="true"></span>
                { lang.t("captcha-solving") }
            }
        </p>
    }
}
