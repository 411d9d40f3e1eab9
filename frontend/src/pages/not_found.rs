//! Any path the client does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::Card;

#[function_component(NotFound)]
pub fn not_found() -> Html {
    html! {
        <Card title="Page not found">
            <div data-testid="not-found">
                <p>{ "There is nothing at this address. It may have moved, or the link may be mistyped." }</p>
                <p><Link<Route> to={Route::Home} classes="button button-primary">{ "Go to the start page" }</Link<Route>></p>
            </div>
        </Card>
    }
}
