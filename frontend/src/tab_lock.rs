//! A lock shared by every tab of this origin (the Web Locks API), for work that must not overlap across
//! tabs. web-sys only binds `navigator.locks` behind `web_sys_unstable_apis`, so it is reached through
//! `Reflect`; where the browser has none (old ones, insecure contexts) there is no lock to take.

use futures::channel::oneshot;
use futures::future::{select, Either};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The lock, held until dropped; then the next tab waiting for it gets it.
pub struct TabLock {
    // Dropping it settles the promise the lock callback returned, which is what releases the lock.
    _release: oneshot::Sender<()>,
}

/// `navigator.locks` and its `request` method, if this browser has them.
fn lock_manager() -> Option<(JsValue, Function)> {
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if !locks.is_object() {
        return None;
    }
    let request = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

/// Waits until this tab holds the exclusive lock `name`: `navigator.locks.request(name, callback)`
/// whose callback keeps it until the returned [`TabLock`] is dropped. `None` where there is no Web
/// Locks API or the browser refuses the request: the caller then goes ahead unlocked, as before.
pub async fn acquire(name: &str) -> Option<TabLock> {
    let (locks, request) = lock_manager()?;
    let (granted_tx, granted_rx) = oneshot::channel::<()>();
    let (release_tx, release_rx) = oneshot::channel::<()>();
    // Called at most once, by the browser; freed when it is (never called means never freed: one small
    // closure, and only when the request fails).
    let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        let _ = granted_tx.send(());
        future_to_promise(async move {
            // Sent or dropped: either way the holder is done.
            let _ = release_rx.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    let requested = request
        .call2(&locks, &JsValue::from_str(name), &callback)
        .ok()?
        .dyn_into::<Promise>()
        .ok()?;
    // The request's own promise settles first only if it failed (it resolves after the release).
    match select(granted_rx, JsFuture::from(requested)).await {
        Either::Left((Ok(()), _)) => Some(TabLock {
            _release: release_tx,
        }),
        _ => None,
    }
}
