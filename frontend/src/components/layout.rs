//! The card every page sits in, with its heading and the document title.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub lead: Option<Html>,
    #[prop_or_default]
    pub wide: bool,
    pub children: Html,
}

#[function_component(Card)]
pub fn card(props: &CardProps) -> Html {
    {
        let title = props.title.clone();
        use_effect_with(title, |title| {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                document.set_title(&format!("{title} · OTP Portal"));
            }
        });
    }
    html! {
        <section class={classes!("card", props.wide.then_some("card-wide"))} aria-labelledby="page-title">
            <h1 id="page-title">{ props.title.clone() }</h1>
            if let Some(lead) = props.lead.clone() {
                <p class="lead">{ lead }</p>
            }
            { props.children.clone() }
        </section>
    }
}
