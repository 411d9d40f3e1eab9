// Starts the WebAssembly client. This file replaces trunk's inline loader so that the page runs under
// the server's Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`, no inline scripts).
// The hashed file names come from the <meta name="otp-portal-app"> trunk writes into index.html.
const boot = document.getElementById("boot");
try {
    const app = document.querySelector('meta[name="otp-portal-app"]');
    const { default: init } = await import(app.dataset.js);
    await init({ module_or_path: app.dataset.wasm });
    boot?.remove();
} catch (error) {
    console.error("OTP Portal could not start", error);
    if (boot) {
        boot.textContent = "OTP Portal could not start in this browser. Reload the page to try again.";
        boot.classList.add("boot-failed");
    }
}
