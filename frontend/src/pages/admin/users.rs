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
use crate::i18n::{use_lang, Language, Words};
use crate::labels::{state_words, when, ACCOUNT_STATES};
use crate::paging::Position;

#[function_component(AdminUsers)]
pub fn admin_users() -> Html {
    html! { <AdminGate><UsersPage /></AdminGate> }
}

/// The state's badge, in the user table and on the user's page.
pub fn state_badge(lang: Language, state: AccountState) -> Html {
    html! {
        <span class={classes!("badge", "state-badge", format!("state-{}", state.as_str()))}
              data-state={state.as_str()}>
            { state_words(lang, state) }
        </span>
    }
}

fn state_of(value: &str) -> Option<AccountState> {
    ACCOUNT_STATES.into_iter().find(|s| s.as_str() == value)
}

#[function_component(UsersPage)]
fn users_page() -> Html {
    let lang = use_lang();
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
                AttrValue::from(state_words(lang, *s)),
            )
        })
        .collect::<Vec<_>>();
    let choices = vec![Choice {
        id: "admin-user-state".into(),
        label: lang.t("admin-users-state-label").into(),
        any: lang.t("admin-users-state-any").into(),
        options: states,
        value: query
            .state
            .map(AccountState::as_str)
            .unwrap_or_default()
            .into(),
    }];

    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(lang, problem),
        (None, None) => {
            html! { <p class="hint" role="status">{ lang.t("admin-users-loading") }</p> }
        }
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
                            { lang.t("admin-users-empty") }
                        </p>
                    } else {
                        <div class="table-scroll">
                            <table class="data-table admin-users" aria-busy={loaded.busy.to_string()}>
                                <caption class="visually-hidden">{ lang.t("admin-users-caption") }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ lang.t("admin-users-col-username") }</th>
                                        <th scope="col">{ lang.t("admin-users-col-email") }</th>
                                        <th scope="col">{ lang.t("admin-users-col-state") }</th>
                                        <th scope="col">{ lang.t("admin-users-col-role") }</th>
                                        <th scope="col">{ lang.t("admin-users-col-app") }</th>
                                        <th scope="col">{ lang.t("admin-users-col-created") }</th>
                                        <th scope="col">{ lang.t("admin-users-col-last-login") }</th>
                                        <th scope="col">{ lang.t("admin-users-col-sessions") }</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    { for page.items.iter().map(|user| user_row(lang, user)) }
                                </tbody>
                            </table>
                        </div>
                    }
                    { pager(lang, Route::AdminUsers, position, page.items.len(), at_page) }
                </>
            }
        }
    };

    html! {
        <AdminFrame title={lang.t("admin-users-title")}>
            <Notice testid="notice-banner" message={carried} />
            <ListFilter text_id="admin-user-search" text_label={lang.t("admin-users-search-label")}
                        text={query.q.clone().unwrap_or_default()} placeholder={lang.t("admin-users-search-placeholder")}
                        {choices} {on_apply} />
            { body }
        </AdminFrame>
    }
}

fn user_row(lang: Language, user: &AdminUser) -> Html {
    let account = &user.user;
    html! {
        <tr data-user-id={account.id.to_string()} data-state={user.state.as_str()}>
            <td data-label={lang.t("admin-users-col-username")} class="cell-main">
                <Link<Route> to={Route::AdminUser { id: account.id }} classes="link">
                    { account.username.clone() }
                </Link<Route>>
            </td>
            <td data-label={lang.t("admin-users-col-email-short")} class="cell-wrap">{ account.email.clone() }</td>
            <td data-label={lang.t("admin-users-col-state")}>{ state_badge(lang, user.state) }</td>
            <td data-label={lang.t("admin-users-col-role")}>{ account.role.clone() }</td>
            <td data-label={lang.t("admin-users-col-app")}>{ lang.t(if account.mfa_enabled { "admin-users-app-on" } else { "admin-users-app-off" }) }</td>
            <td data-label={lang.t("admin-users-col-created")}>{ when(account.created_at) }</td>
            <td data-label={lang.t("admin-users-col-last-login")}>{ user.last_login_at.map(when).unwrap_or_else(|| lang.t("admin-users-never")) }</td>
            <td data-label={lang.t("admin-users-col-sessions")} class="cell-number">{ user.active_sessions }</td>
        </tr>
    }
}
