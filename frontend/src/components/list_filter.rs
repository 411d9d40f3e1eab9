//! The filter above an admin list: a search text and a choice. The page keeps both in its URL; this
//! only edits them and says when to apply (the form sent, or another choice picked).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ListFilterProps {
    /// The search input's id (also its `name` and `data-testid`); its button is `{id}-submit`, the
    /// reset `{id}-clear`.
    pub text_id: AttrValue,
    pub text_label: AttrValue,
    /// The search text in force (from the URL).
    pub text: AttrValue,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    pub choice_id: AttrValue,
    pub choice_label: AttrValue,
    /// The label of the empty choice: "All states".
    pub any_choice: AttrValue,
    /// `(value, label)` pairs.
    pub choices: Vec<(AttrValue, AttrValue)>,
    /// The value chosen (from the URL), empty for any.
    pub choice: AttrValue,
    /// Apply `(text, choice)`.
    pub on_apply: Callback<(String, String)>,
}

#[function_component(ListFilter)]
pub fn list_filter(props: &ListFilterProps) -> Html {
    let text = use_state(|| props.text.to_string());
    {
        // Back and forward change the URL under the page: the field shows the search in force.
        let text = text.clone();
        use_effect_with(props.text.clone(), move |value| text.set(value.to_string()));
    }
    let select_ref = use_node_ref();
    {
        // `selected` on an option is only its default: once the person picked one, the choice in force
        // (after back, or "Clear the filter") has to be set on the select itself.
        let select_ref = select_ref.clone();
        use_effect_with(props.choice.clone(), move |value| {
            if let Some(select) = select_ref.cast::<HtmlSelectElement>() {
                select.set_value(value);
            }
        });
    }
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onsubmit = {
        let (text, choice, on_apply) = (text.clone(), props.choice.clone(), props.on_apply.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_apply.emit(((*text).clone(), choice.to_string()));
        })
    };
    let onchange = {
        let (text, on_apply) = (text.clone(), props.on_apply.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            on_apply.emit(((*text).clone(), value));
        })
    };
    let filtered = !props.text.is_empty() || !props.choice.is_empty();
    let on_clear = props
        .on_apply
        .reform(|_: MouseEvent| (String::new(), String::new()));
    let text_id = &props.text_id;
    let choice_id = &props.choice_id;
    html! {
        <form class="filters" role="search" novalidate=true {onsubmit}>
            <div class="field filter-text">
                <label for={text_id.clone()}>{ props.text_label.clone() }</label>
                <div class="input-row">
                    <input id={text_id.clone()} name={text_id.clone()} data-testid={text_id.clone()} type="search"
                           value={(*text).clone()} placeholder={props.placeholder.clone()} autocomplete="off"
                           spellcheck="false" autocapitalize="none" {oninput} />
                    <button type="submit" class="button button-primary" id={format!("{text_id}-submit")}
                            data-testid={format!("{text_id}-submit")}>
                        { "Search" }
                    </button>
                </div>
            </div>
            <div class="field filter-choice">
                <label for={choice_id.clone()}>{ props.choice_label.clone() }</label>
                <select id={choice_id.clone()} name={choice_id.clone()} data-testid={choice_id.clone()}
                        ref={select_ref} {onchange}>
                    <option value="" selected={props.choice.is_empty()}>{ props.any_choice.clone() }</option>
                    { for props.choices.iter().map(|(value, label)| html! {
                        <option value={value.clone()} selected={*value == props.choice}>{ label.clone() }</option>
                    }) }
                </select>
            </div>
            if filtered {
                <button type="button" class="link-button filter-clear" id={format!("{text_id}-clear")}
                        data-testid={format!("{text_id}-clear")} onclick={on_clear}>
                    { "Clear the filter" }
                </button>
            }
        </form>
    }
}
