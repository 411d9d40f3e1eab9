//! The signed-in person's account: who they are, whether an authenticator app guards it (set up on the
//! security page), where they are signed in, a new password, and the way out.

use shared::api::{SessionInfo, User};
use shared::problem::Problem;
use uuid::Uuid;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::change_password::ChangePassword;
use super::LoginQuery;
use crate::api;
use crate::app::{Loading, Route};
use crate::components::{Card, ErrorBanner};
use crate::hooks::{use_session, AuthState, Session};
use crate::i18n::{self, use_lang, use_language, LanguageChoice, Words};
use crate::labels::{device, when};
use crate::messages::problem_message;

async fn load(
    session: Session,
    language: LanguageChoice,
    sessions: UseStateHandle<Option<Vec<SessionInfo>>>,
    banner: UseStateHandle<Option<String>>,
) {
    // /api/me also refreshes every page's copy of the user if the account changed elsewhere, its
    // language included: the page follows the language the account's mails are written in.
    match session.authed(api::me).await {
        Ok(user) => {
            if user.language != language.current {
                language.choose(user.language);
            }
            session.update_user(user);
        }
        Err(problem) => report(&problem, &banner),
    }
    match session.authed(api::sessions).await {
        Ok(mut list) => {
            list.sort_by_key(|s| (!s.current, std::cmp::Reverse(s.last_used_at)));
            sessions.set(Some(list));
        }
        Err(problem) => report(&problem, &banner),
    }
}

fn report(problem: &Problem, banner: &UseStateHandle<Option<String>>) {
    if problem.status != 401 {
        // Sent from async code that outlives a render: the language in force when the answer came.
        banner.set(Some(problem_message(i18n::current(), problem)));
    }
}

#[function_component(Dashboard)]
pub fn dashboard() -> Html {
    let session = use_session();
    match session.state.clone() {
        AuthState::Restoring => html! { <Loading /> },
        AuthState::SignedOut => html! { <Redirect<Route> to={Route::Login} /> },
        AuthState::SignedIn(user) => html! { <Account {user} /> },
    }
}

#[derive(Properties, PartialEq)]
struct AccountProps {
    user: User,
}

#[function_component(Account)]
fn account(props: &AccountProps) -> Html {
    let lang = use_lang();
    let language = use_language();
    let session = use_session();
    let navigator = use_navigator();
    let sessions = use_state(|| None::<Vec<SessionInfo>>);
    let banner = use_state(|| None::<String>);
    let leaving = use_state(|| false);
    let revoking = use_state(|| None::<Uuid>);
    {
        let (session, sessions, banner) = (session.clone(), sessions.clone(), banner.clone());
        let language = language.clone();
        use_effect_with((), move |_| {
            spawn_local(load(session, language, sessions, banner));
        });
    }

    let on_logout = {
        let (session, leaving, navigator) = (session.clone(), leaving.clone(), navigator.clone());
        Callback::from(move |_: MouseEvent| {
            let (session, leaving, navigator) =
                (session.clone(), leaving.clone(), navigator.clone());
            leaving.set(true);
            spawn_local(async move {
                session.logout().await;
                // In the same turn as the state change, so the dashboard's own redirect never shows.
                if let Some(navigator) = navigator {
                    let query = LoginQuery {
                        notice: Some("signed-out".to_owned()),
                    };
                    let _ = navigator.push_with_query(&Route::Login, &query);
                }
            });
        })
    };

    let on_revoke = |id: Uuid| {
        let (session, sessions, banner, revoking) = (
            session.clone(),
            sessions.clone(),
            banner.clone(),
            revoking.clone(),
        );
        let language = language.clone();
        Callback::from(move |_: MouseEvent| {
            let (session, sessions, banner, revoking) = (
                session.clone(),
                sessions.clone(),
                banner.clone(),
                revoking.clone(),
            );
            let language = language.clone();
            revoking.set(Some(id));
            spawn_local(async move {
                let result = session.authed(|token| api::revoke_session(token, id)).await;
                revoking.set(None);
                match result {
                    Ok(()) => load(session, language, sessions, banner).await,
                    Err(problem) => report(&problem, &banner),
                }
            });
        })
    };

    // The server signed the other sessions out: show the list as it now is.
    let on_password_changed = {
        let (session, sessions, banner) = (session.clone(), sessions.clone(), banner.clone());
        let language = language.clone();
        Callback::from(move |()| {
            spawn_local(load(
                session.clone(),
                language.clone(),
                sessions.clone(),
                banner.clone(),
            ));
        })
    };

    let user = &props.user;
    let session_rows = match &*sessions {
        None => html! { <p class="hint">{ lang.t("dashboard-sessions-loading") }</p> },
        Some(list) => html! {
            <ul class="sessions" data-testid="session-list">
                { for list.iter().map(|s| html! {
                    <li class="session" data-testid="session-row" data-current={s.current.to_string()}>
                        <div class="session-what">
                            <strong>{ device(lang, s.user_agent.as_deref()) }</strong>
                            if s.current {
                                <span class="badge">{ lang.t("dashboard-this-device") }</span>
                            }
                            <span class="session-meta">
                                { lang.tf("dashboard-session-last-active", &[("at", (&when(s.last_used_at)).into())]) }
                                { s.ip.as_ref().map(|ip| format!(" · {ip}")).unwrap_or_default() }
                            </span>
                        </div>
                        if !s.current {
                            <button type="button" class="button button-small button-secondary" data-testid="revoke-session"
                                    disabled={*revoking == Some(s.id)} onclick={on_revoke(s.id)}>
                                { lang.t("dashboard-session-sign-out") }<span class="visually-hidden">{ format!(" {}", device(lang, s.user_agent.as_deref())) }</span>
                            </button>
                        }
                    </li>
                }) }
            </ul>
        },
    };

    html! {
        <Card title={lang.tf("dashboard-title", &[("name", (&user.username).into())])} wide=true>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <h2>{ lang.t("dashboard-account-heading") }</h2>
            <dl class="facts">
                <dt>{ lang.t("dashboard-username") }</dt>
                <dd id="dashboard-username" data-testid="dashboard-username">{ user.username.clone() }</dd>
                <dt>{ lang.t("dashboard-email") }</dt>
                <dd>
                    <span id="dashboard-email" data-testid="dashboard-email">{ user.email.clone() }</span>
                    if user.email_verified {
                        <span class="badge badge-ok" data-testid="dashboard-verified">{ lang.t("dashboard-email-confirmed") }</span>
                    }
                </dd>
                <dt>{ lang.t("dashboard-mfa") }</dt>
                <dd>
                    <span id="dashboard-mfa" data-testid="dashboard-mfa" data-enabled={user.mfa_enabled.to_string()}
                          class={classes!("badge", user.mfa_enabled.then_some("badge-ok"))}>
                        { if user.mfa_enabled { lang.t("dashboard-mfa-on") } else { lang.t("dashboard-mfa-off") } }
                    </span>
                    <Link<Route> to={Route::Security} classes="link">
                        <span id="security-link" data-testid="security-link">
                            { if user.mfa_enabled { lang.t("dashboard-security-link") } else { lang.t("dashboard-security-set-up") } }
                        </span>
                    </Link<Route>>
                </dd>
                <dt>{ lang.t("dashboard-member-since") }</dt>
                <dd data-testid="dashboard-created">{ when(user.created_at) }</dd>
                <dt>{ lang.t("dashboard-role") }</dt>
                <dd>{ user.role.clone() }</dd>
            </dl>
            <h2>{ lang.t("dashboard-sessions-heading") }</h2>
            { session_rows }
            <ChangePassword username={user.username.clone()} on_changed={on_password_changed} />
            <div class="actions">
                <button type="button" class="button button-primary" id="logout-button" data-testid="logout-button"
                        disabled={*leaving} onclick={on_logout}>
                    { if *leaving { lang.t("dashboard-signing-out") } else { lang.t("dashboard-sign-out") } }
                </button>
            </div>
        </Card>
    }
}
