//! The card every page sits in, with its heading and the document title, and the one rule for where the
//! focus goes on navigation: to that heading (`h1#page-title`, focusable with `tabindex="-1"`), so a
//! screen reader reads the new page's name and Tab starts from the top of its content.

use std::cell::Cell;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::{use_lang, Words};

thread_local! {
    /// A navigation happened before its page showed a heading (it was still loading): the next card to
    /// appear takes the focus.
    static HEADING_FOCUS_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the page already put the focus where the person types next (the code boxes once a code was
/// sent, a form's first field): that choice stands, the heading does not take it away.
fn page_placed_focus(document: &web_sys::Document) -> bool {
    let Some(active) = document.active_element() else {
        return false;
    };
    let typing = matches!(active.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT");
    typing && active.closest("main").ok().flatten().is_some()
}

/// Focuses the page heading if there is one, and says whether it was there.
fn focus_heading() -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(heading) = document
        .get_element_by_id("page-title")
        .and_then(|h| h.dyn_into::<HtmlElement>().ok())
    else {
        return false;
    };
    if !page_placed_focus(&document) {
        let _ = heading.focus();
    }
    true
}

/// Called once per navigation (not on the first page load, where the browser's own start stands):
/// focuses the new page's heading, or, while the page is still loading, the first one that appears.
pub fn focus_heading_after_navigation() {
    let found = focus_heading();
    HEADING_FOCUS_PENDING.with(|pending| pending.set(!found));
}

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
    let lang = use_lang();
    {
        let title = lang.tf("document-title", &[("page", props.title.as_str().into())]);
        use_effect_with(title, |title| {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                document.set_title(title);
            }
        });
    }
    use_effect_with((), |()| {
        if HEADING_FOCUS_PENDING.with(|pending| pending.replace(false)) {
            focus_heading();
        }
    });
    html! {
        <section class={classes!("card", props.wide.then_some("card-wide"))} aria-labelledby="page-title">
            <h1 id="page-title" data-testid="page-title" tabindex="-1">{ props.title.clone() }</h1>
            if let Some(lead) = props.lead.clone() {
                <p class="lead">{ lead }</p>
            }
            { props.children.clone() }
        </section>
    }
}
