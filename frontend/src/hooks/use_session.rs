//! The signed-in session: the access token (in memory only), the user it belongs to, and the one place
//! that refreshes it. The refresh token never reaches this code: it is the server's HttpOnly cookie.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use shared::api::{TokenResponse, User};
use shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::tab_lock;

/// The Web Lock every tab of the portal takes around a refresh: they all send the same cookie.
const REFRESH_LOCK: &str = "otp-portal-refresh";

#[derive(Clone, Debug, PartialEq)]
pub enum AuthState {
    /// The page just loaded and the refresh cookie is being tried.
    Restoring,
    SignedOut,
    SignedIn(User),
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<TokenResponse, Problem>>>;

/// What must not re-render anything when it changes, and must be the same object for every copy of the
/// context: the token and the refresh in flight.
#[derive(Default)]
struct Core {
    access_token: RefCell<Option<String>>,
    refreshing: RefCell<Option<RefreshFuture>>,
}

impl Core {
    fn token(&self) -> Option<String> {
        self.access_token.borrow().clone()
    }

    /// One refresh at a time: a second caller waits for the first one's answer. Presenting a refresh
    /// token the server has already rotated away would revoke the whole session.
    ///
    /// The other tabs of this origin share the cookie, so the request also waits for the cross-tab lock:
    /// a tab that waited then sends the cookie the other tab's refresh has rotated, not the spent one.
    /// If that refresh failed, the server cleared the cookie, and this tab's 401 signs it out too.
    fn refresh(self: &Rc<Self>) -> RefreshFuture {
        if let Some(in_flight) = self.refreshing.borrow().as_ref() {
            return in_flight.clone();
        }
        let core = Rc::clone(self);
        let future = async move {
            let lock = tab_lock::acquire(REFRESH_LOCK).await;
            let result = api::refresh().await;
            // The answer's Set-Cookie is stored by now: the next tab may go.
            drop(lock);
            match &result {
                Ok(tokens) => *core.access_token.borrow_mut() = Some(tokens.access_token.clone()),
                Err(problem) if problem.status == 401 => *core.access_token.borrow_mut() = None,
                Err(_) => {}
            }
            core.refreshing.borrow_mut().take();
            result
        }
        .boxed_local()
        .shared();
        *self.refreshing.borrow_mut() = Some(future.clone());
        future
    }
}

/// The context value every page reads with [`use_session`].
#[derive(Clone)]
pub struct Session {
    pub state: AuthState,
    core: Rc<Core>,
    set_state: UseStateSetter<AuthState>,
}

impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.core, &other.core)
    }
}

impl Session {
    pub fn user(&self) -> Option<&User> {
        match &self.state {
            AuthState::SignedIn(user) => Some(user),
            _ => None,
        }
    }

    /// Keep the tokens of a successful login or verification.
    pub fn sign_in(&self, tokens: TokenResponse) {
        *self.core.access_token.borrow_mut() = Some(tokens.access_token);
        self.set_state.set(AuthState::SignedIn(tokens.user));
    }

    /// The account as the server now describes it (after `/api/me`, or a change made on this page), so
    /// every page shows the same. Nothing changes unless signed in.
    pub fn update_user(&self, user: User) {
        if matches!(self.state, AuthState::SignedIn(_)) {
            self.set_state.set(AuthState::SignedIn(user));
        }
    }

    /// Forget the session here (the server side is ended by [`Session::logout`]).
    pub fn forget(&self) {
        self.core.access_token.borrow_mut().take();
        self.set_state.set(AuthState::SignedOut);
    }

    async fn refresh(&self) -> Result<String, Problem> {
        match self.core.refresh().await {
            Ok(tokens) => {
                self.set_state.set(AuthState::SignedIn(tokens.user));
                Ok(tokens.access_token)
            }
            Err(problem) => {
                if problem.status == 401 {
                    self.set_state.set(AuthState::SignedOut);
                }
                Err(problem)
            }
        }
    }

    /// On page load: the refresh cookie, if there is a live one, signs the person back in.
    pub async fn restore(&self) {
        if self.refresh().await.is_err() {
            self.set_state.set(AuthState::SignedOut);
        }
    }

    /// Run an authenticated call; when the access token has expired (401), refresh once and retry once.
    pub async fn authed<T, F, Fut>(&self, call: F) -> Result<T, Problem>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, Problem>>,
    {
        let token = match self.core.token() {
            Some(token) => token,
            None => self.refresh().await?,
        };
        match call(token.clone()).await {
            Err(problem) if problem.status == 401 => {
                // Another request may have refreshed while this one was out: then use its token.
                let fresh = match self.core.token() {
                    Some(newer) if newer != token => newer,
                    _ => self.refresh().await?,
                };
                let result = call(fresh).await;
                if matches!(&result, Err(p) if p.status == 401) {
                    self.forget();
                }
                result
            }
            other => other,
        }
    }

    /// End the session on the server, then here, whatever the server said.
    pub async fn logout(&self) {
        let _ = self.authed(api::logout).await;
        self.forget();
    }
}

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    pub children: Html,
}

/// Holds the session for everything below it and restores it from the cookie once, on load.
#[function_component(SessionProvider)]
pub fn session_provider(props: &SessionProviderProps) -> Html {
    let state = use_state_eq(|| AuthState::Restoring);
    let core = use_memo((), |_| Core::default());
    let session = Session {
        state: (*state).clone(),
        core: Rc::clone(&core),
        set_state: state.setter(),
    };
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { session.restore().await });
        });
    }
    html! {
        <ContextProvider<Session> context={session}>
            { props.children.clone() }
        </ContextProvider<Session>>
    }
}

/// The session of the surrounding [`SessionProvider`].
#[hook]
#[allow(clippy::expect_used)] // A page outside the provider is a programming error, caught at once.
pub fn use_session() -> Session {
    use_context::<Session>().expect("use_session called outside SessionProvider")
}
