//! The administration pages: the overview with the daily numbers, the user table and one user's page,
//! and the mail, code and audit logs. They share a gate (admins only), a frame with their own
//! navigation, the way a refusal is explained, and the pager under each list.

mod audit;
mod codes;
mod mail;
mod overview;
mod user;
mod users;

pub use audit::AdminAudit;
pub use codes::AdminCodes;
pub use mail::AdminMail;
pub use overview::AdminOverview;
pub use user::AdminUserPage;
pub use users::AdminUsers;

use serde::Serialize;
use shared::api::User;
use shared::problem::{Problem, ProblemCode};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{Loading, Route};
use crate::components::Card;
use crate::hooks::{use_session, AuthState};
use crate::i18n::{use_lang, Language, Words};
use crate::messages::problem_message;
use crate::paging::{page_param, Position};

/// The role the server gives administrators (`promote` on its command line).
const ADMIN_ROLE: &str = "admin";

pub fn is_admin(user: &User) -> bool {
    user.role == ADMIN_ROLE
}

/// A message for the next page to show, carried in the history entry (not the URL, so a reload or a
/// shared link does not repeat it).
#[derive(Clone, Debug, PartialEq)]
pub struct CarriedNotice(pub String);

/// A search text for a query: blank means no filter.
fn filter_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[derive(Properties, PartialEq)]
pub struct GateProps {
    pub children: Html,
}

/// Shows its page to admins only. The server refuses everyone else anyway; this spares them the
/// request and says why at once.
#[function_component(AdminGate)]
pub fn admin_gate(props: &GateProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    match &session.state {
        AuthState::Restoring => html! { <Loading /> },
        AuthState::SignedOut => html! { <Redirect<Route> to={Route::Login} /> },
        AuthState::SignedIn(user) if !is_admin(user) => html! {
            <div class="admin">
                <Card title={lang.t("admin-title")}>
                    { refusal(lang, &Problem::new(ProblemCode::Forbidden)) }
                </Card>
            </div>
        },
        AuthState::SignedIn(_) => props.children.clone(),
    }
}

#[derive(Properties, PartialEq)]
pub struct FrameProps {
    pub title: AttrValue,
    pub children: Html,
}

/// The card of an admin page, wider than the others (its tables need the room), under its navigation.
#[function_component(AdminFrame)]
pub fn admin_frame(props: &FrameProps) -> Html {
    let lang = use_lang();
    html! {
        <div class="admin">
            <nav class="admin-nav" aria-label={lang.t("admin-title")} id="admin-nav">
                <AdminNavLink to={Route::Admin} id="admin-nav-overview" label={lang.t("admin-nav-overview")} />
                <AdminNavLink to={Route::AdminUsers} id="admin-nav-users" label={lang.t("admin-nav-users")} />
                <AdminNavLink to={Route::AdminMail} id="admin-nav-mail" label={lang.t("admin-nav-mail")} />
                <AdminNavLink to={Route::AdminCodes} id="admin-nav-codes" label={lang.t("admin-nav-codes")} />
                <AdminNavLink to={Route::AdminAudit} id="admin-nav-audit" label={lang.t("admin-nav-audit")} />
            </nav>
            <Card title={props.title.clone()} wide=true>
                { props.children.clone() }
            </Card>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NavLinkProps {
    to: Route,
    id: AttrValue,
    label: AttrValue,
}

/// A link of the admin navigation that says which page is open (`aria-current`), which the router's
/// own `Link` cannot.
#[function_component(AdminNavLink)]
fn admin_nav_link(props: &NavLinkProps) -> Html {
    let navigator = use_navigator();
    let route = use_route::<Route>();
    let current = match (&route, &props.to) {
        (Some(Route::AdminUser { .. }), Route::AdminUsers) => Some("true"),
        (Some(open), to) if open == to => Some("page"),
        _ => None,
    };
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            // With a modifier the browser opens the link elsewhere, as it would any link.
            if e.meta_key() || e.ctrl_key() || e.shift_key() || e.alt_key() {
                return;
            }
            if let Some(navigator) = &navigator {
                e.prevent_default();
                navigator.push(&to);
            }
        })
    };
    html! {
        <a href={props.to.to_path()} id={props.id.clone()} data-testid={props.id.clone()}
           class={classes!("admin-nav-link", current.is_some().then_some("active"))}
           aria-current={current} {onclick}>
            { props.label.clone() }
        </a>
    }
}

/// Why an admin page has nothing to show. A role or factor refusal says what to do about it; a 401 says
/// nothing, as the session is over and the page is on its way to sign-in.
pub fn refusal(lang: Language, problem: &Problem) -> Html {
    match problem.code {
        ProblemCode::Forbidden => html! {
            <div class="banner banner-error" role="alert" id="admin-forbidden" data-testid="admin-forbidden">
                <p>{ problem_message(lang, problem) }</p>
                <p>
                    <Link<Route> to={Route::Dashboard} classes="link">{ lang.t("admin-back-to-account") }</Link<Route>>
                </p>
            </div>
        },
        ProblemCode::MfaRequired => html! {
            <div class="banner banner-error" role="alert" id="admin-mfa-required" data-testid="admin-mfa-required">
                <p>{ problem_message(lang, problem) }</p>
                <p>
                    <Link<Route> to={Route::Security} classes="link">
                        <span id="admin-mfa-link" data-testid="admin-mfa-link">
                            { lang.t("admin-mfa-link") }
                        </span>
                    </Link<Route>>
                </p>
            </div>
        },
        _ if problem.status == 401 => Html::default(),
        _ => html! {
            <div class="banner banner-error" role="alert" id="admin-load-error" data-testid="admin-load-error">
                { problem_message(lang, problem) }
            </div>
        },
    }
}

/// The way through a long list: "Previous" and "Next" as links (the page is in the URL, so they can be
/// opened in a new tab, and back returns), with where this page stands.
pub fn pager<Q>(
    lang: Language,
    route: Route,
    position: Position,
    shown: usize,
    query_for: impl Fn(Option<u32>) -> Q,
) -> Html
where
    Q: Clone + PartialEq + Serialize + 'static,
{
    let link = |page: Option<u32>, id: &'static str, label: String| match page {
        Some(page) => html! {
            <Link<Route, Q> to={route.clone()} query={Some(query_for(page_param(page)))}
                            classes={classes!("button", "button-secondary", id)}>
                <span id={id} data-testid={id}>{ label }</span>
            </Link<Route, Q>>
        },
        None => html! {
            <button type="button" class="button button-secondary" disabled=true>{ label.clone() }</button>
        },
    };
    html! {
        <nav class="pager" aria-label={lang.t("pager-label")}>
            { link(position.previous(), "pager-previous", lang.t("pager-previous")) }
            <p class="pager-status" id="pager-status" data-testid="pager-status"
               data-page={position.page.to_string()} data-total={position.total.to_string()}>
                { lang.tf("pager-status", &[
                    ("page", position.page.into()),
                    ("pages", position.pages().into()),
                    ("range", (&position.range_text(lang, shown)).into()),
                ]) }
            </p>
            { link(position.next(), "pager-next", lang.t("pager-next")) }
        </nav>
    }
}
