//! Page-level messages: errors (announced at once) and notices (announced politely).

use yew::prelude::*;

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
    html! {
        <div class="banner banner-error" role="alert" id={props.testid.clone()}
             data-testid={props.testid.clone()}>
            { props.message.clone().unwrap_or_default() }
        </div>
    }
}

#[function_component(Notice)]
pub fn notice(props: &BannerProps) -> Html {
    html! {
        <div class="banner banner-notice" role="status" id={props.testid.clone()}
             data-testid={props.testid.clone()}>
            { props.message.clone().unwrap_or_default() }
        </div>
    }
}
