//! Page-level messages: errors (announced at once) and notices (announced politely).

use yew::prelude::*;

use crate::i18n::{in_language, use_lang};

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    #[prop_or_default]
    pub message: Option<AttrValue>,
    #[prop_or(AttrValue::Static("error-banner"))]
    pub testid: AttrValue,
}

/// Always in the page, so that screen readers are already watching it when a message appears.
#[function_component(ErrorBanner)]
pub fn error_banner(props: &BannerProps) -> Html {
    let lang = use_lang();
    html! {
        <div class="banner banner-error" role="alert" id={props.testid.clone()}
             data-testid={props.testid.clone()}>
            { props.message.as_deref().map(|m| in_language(m, lang)).unwrap_or_default() }
        </div>
    }
}

#[function_component(Notice)]
pub fn notice(props: &BannerProps) -> Html {
    let lang = use_lang();
    html! {
        <div class="banner banner-notice" role="status" id={props.testid.clone()}
             data-testid={props.testid.clone()}>
            { props.message.as_deref().map(|m| in_language(m, lang)).unwrap_or_default() }
        </div>
    }
}
