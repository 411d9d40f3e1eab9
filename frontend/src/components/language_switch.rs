//! The language switch in the page footer: a labelled native select (keyboard and screen readers know
//! it), each language offered in its own name, so a person who cannot read the current one finds theirs.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{use_lang, Language, Words};

#[derive(Properties, PartialEq)]
pub struct LanguageSwitchProps {
    pub onchange: Callback<Language>,
}

#[function_component(LanguageSwitch)]
pub fn language_switch(props: &LanguageSwitchProps) -> Html {
    let lang = use_lang();
    let select_ref = use_node_ref();
    {
        // `selected` only sets an option's default: a language adopted from the account must show too.
        let select_ref = select_ref.clone();
        use_effect_with(lang, move |lang| {
            if let Some(select) = select_ref.cast::<HtmlSelectElement>() {
                select.set_value(lang.code());
            }
        });
    }
    let onchange = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: Event| {
            let code = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(language) = Language::from_code(&code) {
                onchange.emit(language);
            }
        })
    };
    html! {
        <div class="language-switch">
            <label for="language-select">{ lang.t("language-switch-label") }</label>
            <select id="language-select" name="language" data-testid="language-select" ref={select_ref}
                    {onchange}>
                { for Language::all().map(|option| html! {
                    <option value={option.code()} lang={option.code()} selected={option == lang}>
                        { option.name() }
                    </option>
                }) }
            </select>
        </div>
    }
}
