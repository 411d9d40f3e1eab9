//! `/admin/users`: accounts and pending registrations, searchable by name or address and filtered by
//! state, a page at a time. The search and the page live in the URL, so reload and back keep them.

use shared::admin::{AccountState, AdminUser, UsersQuery};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{filter_text, pager, refusal, AdminFrame, AdminGate, CarriedNotice};
use crate::api;
use crate::app::Route;
use crate::components::{Choice, ListFilter, Notice};
use crate::hooks::use_load;
use crate::labels::{state_words, when, ACCOUNT_STATES};
use crate::paging::Position;

#[function_component(AdminUsers)]
pub fn admin_users() -> Html {
    html! { <AdminGate><UsersPage /></AdminGate> }
}

/// The state's badge, in the user table and on the user's page.
pub fn state_badge(state: AccountState) -> Html {
    html! {
        <span class={classes!("badge", "state-badge", format!("state-{}", state.as_str()))}
              data-state={state.as_str()}>
            { state_words(state) }
        </span>
    }
}

fn state_of(value: &str) -> Option<AccountState> {
    ACCOUNT_STATES.into_iter().find(|s| s.as_str() == value)
}

#[function_component(UsersPage)]
fn users_page() -> Html {
    let location = use_location();
    let navigator = use_navigator();
    let query = location
        .as_ref()
        .and_then(|l| l.query::<UsersQuery>().ok())
        .unwrap_or_default();
    let carried = location
        .as_ref()
        .and_then(|l| l.state::<CarriedNotice>())
        .map(|notice| AttrValue::from(notice.0.clone()));
    let loaded = use_load(query.clone(), api::admin_users);

    let on_apply = {
        let (navigator, base) = (navigator.clone(), query.clone());
        Callback::from(move |(text, chosen): (String, Vec<String>)| {
            let next = UsersQuery {
                q: filter_text(&text),
                state: chosen.first().and_then(|state| state_of(state)),
                page: None,
                // Whatever else the URL holds (the page size) stays.
                ..base.clone()
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::AdminUsers, &next);
            }
        })
    };
    let states = ACCOUNT_STATES
        .iter()
        .map(|s| {
            (
                AttrValue::from(s.as_str()),
                AttrValue::from(state_words(*s)),
            )
        })
        .collect::<Vec<_>>();
    let choices = vec![Choice {
        id: "admin-user-state".into(),
        label: "State".into(),
        any: "All states".into(),
        options: states,
        value: query
            .state
            .map(AccountState::as_str)
            .unwrap_or_default()
            .into(),
    }];

    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(problem),
        (None, None) => html! { <p class="hint" role="status">{ "Loading the accounts…" }</p> },
        (Some(page), None) => {
            let position = Position::of(page);
            let at_page = |page| UsersQuery {
                page,
                ..query.clone()
            };
            html! {
                <>
                    if page.items.is_empty() {
                        <p class="empty" id="admin-users-empty" data-testid="admin-users-empty">
                            { "No account matches." }
                        </p>
                    } else {
                        <div class="table-scroll">
                            <table class="data-table admin-users" aria-busy={loaded.busy.to_string()}>
                                <caption class="visually-hidden">{ "Accounts and pending registrations" }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ "Username" }</th>
                                        <th scope="col">{ "E-mail address" }</th>
                                        <th scope="col">{ "State" }</th>
                                        <th scope="col">{ "Role" }</th>
                                        <th scope="col">{ "App" }</th>
                                        <th scope="col">{ "Created" }</th>
                                        <th scope="col">{ "Last sign-in" }</th>
                                        <th scope="col">{ "Sessions" }</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    { for page.items.iter().map(user_row) }
                                </tbody>
                            </table>
                        </div>
                    }
                    { pager(Route::AdminUsers, position, page.items.len(), at_page) }
                </>
            }
        }
    };

    html! {
        <AdminFrame title="Users">
            <Notice testid="notice-banner" message={carried} />
            <ListFilter text_id="admin-user-search" text_label="Username or e-mail address"
                        text={query.q.clone().unwrap_or_default()} placeholder="Part of a name or address"
                        {choices} {on_apply} />
            { body }
        </AdminFrame>
    }
}

fn user_row(user: &AdminUser) -> Html {
    let account = &user.user;
    html! {
        <tr data-user-id={account.id.to_string()} data-state={user.state.as_str()}>
            <td data-label="Username" class="cell-main">
                <Link<Route> to={Route::AdminUser { id: account.id }} classes="link">
                    { account.username.clone() }
                </Link<Route>>
            </td>
            <td data-label="E-mail" class="cell-wrap">{ account.email.clone() }</td>
            <td data-label="State">{ state_badge(user.state) }</td>
            <td data-label="Role">{ account.role.clone() }</td>
            <td data-label="App">{ if account.mfa_enabled { "On" } else { "Off" } }</td>
            <td data-label="Created">{ when(account.created_at) }</td>
            <td data-label="Last sign-in">{ user.last_login_at.map(when).unwrap_or_else(|| "Never".to_owned()) }</td>
            <td data-label="Sessions" class="cell-number">{ user.active_sessions }</td>
        </tr>
    }
}
