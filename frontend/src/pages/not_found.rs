//! Any path the client does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::Card;
use crate::i18n::{use_lang, Words};

#[function_component(NotFound)]
pub fn not_found() -> Html {
    let lang = use_lang();
    html! {
        <Card title={lang.t("not-found-title")}>
            <div data-testid="not-found">
                <p>{ lang.t("not-found-text") }</p>
                <p><Link<Route> to={Route::Home} classes="button button-primary">{ lang.t("not-found-home") }</Link<Route>></p>
            </div>
        </Card>
    }
}
