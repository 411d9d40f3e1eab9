//! The filter above an admin list: a search text and one or more choices. The page keeps them in its
//! URL; this only edits them and says when to apply (the form sent, or another choice picked).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{use_lang, Words};

/// One choice of the filter, as a select.
#[derive(Clone, PartialEq)]
pub struct Choice {
    /// The select's id (also its `name` and `data-testid`).
    pub id: AttrValue,
    pub label: AttrValue,
    /// The label of the empty value: "All states".
    pub any: AttrValue,
    /// `(value, label)` pairs.
    pub options: Vec<(AttrValue, AttrValue)>,
    /// The value in force (from the URL), empty for any.
    pub value: AttrValue,
}

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
    pub choices: Vec<Choice>,
    /// Apply `(text, the choices' values in order)`.
    pub on_apply: Callback<(String, Vec<String>)>,
}

#[function_component(ListFilter)]
pub fn list_filter(props: &ListFilterProps) -> Html {
    let lang = use_lang();
    let text = use_state(|| props.text.to_string());
    {
        // Back and forward change the URL under the page: the field shows the search in force.
        let text = text.clone();
        use_effect_with(props.text.clone(), move |value| text.set(value.to_string()));
    }
    let values: Vec<String> = props.choices.iter().map(|c| c.value.to_string()).collect();
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onsubmit = {
        let (text, values, on_apply) = (text.clone(), values.clone(), props.on_apply.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_apply.emit(((*text).clone(), values.clone()));
        })
    };
    let on_choice = |index: usize| {
        let (text, values, on_apply) = (text.clone(), values.clone(), props.on_apply.clone());
        Callback::from(move |value: String| {
            let mut chosen = values.clone();
            if let Some(slot) = chosen.get_mut(index) {
                *slot = value;
            }
            on_apply.emit(((*text).clone(), chosen));
        })
    };
    let filtered = !props.text.is_empty() || values.iter().any(|v| !v.is_empty());
    let on_clear = {
        let (count, on_apply) = (values.len(), props.on_apply.clone());
        Callback::from(move |_: MouseEvent| {
            on_apply.emit((String::new(), vec![String::new(); count]))
        })
    };
    let text_id = &props.text_id;
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
                        { lang.t("filter-search") }
                    </button>
                </div>
            </div>
            { for props.choices.iter().enumerate().map(|(i, choice)| html! {
                <ChoiceField choice={choice.clone()} onchange={on_choice(i)} />
            }) }
            if filtered {
                <button type="button" class="link-button filter-clear" id={format!("{text_id}-clear")}
                        data-testid={format!("{text_id}-clear")} onclick={on_clear}>
                    { lang.t("filter-clear") }
                </button>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ChoiceFieldProps {
    choice: Choice,
    onchange: Callback<String>,
}

#[function_component(ChoiceField)]
fn choice_field(props: &ChoiceFieldProps) -> Html {
    let select_ref = use_node_ref();
    {
        // `selected` on an option is only its default: once the person picked one, the choice in force
        // (after back, or "Clear the filter") has to be set on the select itself.
        let select_ref = select_ref.clone();
        use_effect_with(props.choice.value.clone(), move |value| {
            if let Some(select) = select_ref.cast::<HtmlSelectElement>() {
                select.set_value(value);
            }
        });
    }
    let onchange = props
        .onchange
        .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let choice = &props.choice;
    html! {
        <div class="field filter-choice">
            <label for={choice.id.clone()}>{ choice.label.clone() }</label>
            <select id={choice.id.clone()} name={choice.id.clone()} data-testid={choice.id.clone()}
                    ref={select_ref} {onchange}>
                <option value="" selected={choice.value.is_empty()}>{ choice.any.clone() }</option>
                { for choice.options.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={*value == choice.value}>{ label.clone() }</option>
                }) }
            </select>
        </div>
    }
}
