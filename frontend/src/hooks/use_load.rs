//! One authenticated read that a page shows, keyed by what it asks for (a list's filters and page, a
//! user's id): asked again whenever the key changes or the page says so, keeping only the answer to the
//! latest request, so a slow answer to an older filter never replaces a newer one.

use std::future::Future;
use std::rc::Rc;

use shared::problem::Problem;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::use_session;

/// What the page has to show of the read.
#[derive(Clone)]
pub struct Loaded<T> {
    /// The latest answer; kept while the next request is out, so a list does not blink on each page.
    pub data: Option<T>,
    /// Why the latest request has no answer.
    pub problem: Option<Problem>,
    /// A request is out.
    pub busy: bool,
    /// Asks again with the same key (after an action changed what the server would answer).
    pub reload: Callback<()>,
}

/// A counter whose increments apply to its latest value, however stale the callback that bumps it.
#[derive(Default, PartialEq)]
struct Reloads(u32);

impl Reducible for Reloads {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Self(self.0.wrapping_add(1)))
    }
}

/// `call(token, key)` through the session (a 401 refreshes once; a second one signs out).
#[hook]
pub fn use_load<K, T, F, Fut>(key: K, call: F) -> Loaded<T>
where
    K: Clone + PartialEq + 'static,
    T: Clone + 'static,
    F: Fn(String, K) -> Fut + 'static,
    Fut: Future<Output = Result<T, Problem>> + 'static,
{
    let session = use_session();
    let data = use_state(|| None::<T>);
    let problem = use_state(|| None::<Problem>);
    let busy = use_state(|| true);
    let reloads = use_reducer(Reloads::default);
    let latest = use_mut_ref(|| 0_u64);
    {
        let (data, problem, busy) = (data.clone(), problem.clone(), busy.clone());
        use_effect_with((key, reloads.0), move |(key, _)| {
            let request = {
                let mut latest = latest.borrow_mut();
                *latest = latest.wrapping_add(1);
                *latest
            };
            let key = key.clone();
            busy.set(true);
            spawn_local(async move {
                let result = session.authed(|token| call(token, key.clone())).await;
                if *latest.borrow() != request {
                    return;
                }
                busy.set(false);
                match result {
                    Ok(answer) => {
                        data.set(Some(answer));
                        problem.set(None);
                    }
                    Err(refusal) => {
                        data.set(None);
                        problem.set(Some(refusal));
                    }
                }
            });
        });
    }
    let reload = {
        let reloads = reloads.dispatcher();
        Callback::from(move |()| reloads.dispatch(()))
    };
    Loaded {
        data: (*data).clone(),
        problem: (*problem).clone(),
        busy: *busy,
        reload,
    }
}
