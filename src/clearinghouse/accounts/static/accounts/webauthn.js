// Security keys (WebAuthn): the browser's side of signing in with a key and of adding
// one. A button with data-webauthn="sign-in" or "register" names, in data-options and
// data-answer, where to fetch the ceremony's options and where to send the key's answer.
"use strict";

(function () {
  function toBytes(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function toText(buffer) {
    const bytes = String.fromCharCode(...new Uint8Array(buffer));
    return btoa(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? "{}" : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
      throw new Error(answer.error || "The server refused.");
    }
    return answer;
  }

  function descriptors(list) {
    return (list || []).map((d) => Object.assign({}, d, { id: toBytes(d.id) }));
  }

  async function signIn(button) {
    const options = await post(button.dataset.options);
    const credential = await navigator.credentials.get({
      publicKey: Object.assign({}, options, {
        challenge: toBytes(options.challenge),
        allowCredentials: descriptors(options.allowCredentials),
      }),
    });
    const r = credential.response;
    return post(button.dataset.answer, {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature),
        userHandle: r.userHandle ? toText(r.userHandle) : null,
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    });
  }

  async function register(button) {
    const options = await post(button.dataset.options);
    const credential = await navigator.credentials.create({
      publicKey: Object.assign({}, options, {
        challenge: toBytes(options.challenge),
        user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
        excludeCredentials: descriptors(options.excludeCredentials),
      }),
    });
    const r = credential.response;
    const name = document.getElementById("key-name");
    return post(button.dataset.answer, {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      name: name ? name.value : "",
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        attestationObject: toText(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-webauthn]").forEach((button) => {
      const status = document.getElementById(button.dataset.status);
      if (!window.PublicKeyCredential) {
        button.disabled = true;
        if (status) status.textContent = "This browser cannot use security keys.";
        return;
      }
      button.addEventListener("click", async () => {
        button.disabled = true;
        if (status) status.textContent = "Waiting for the security key…";
        try {
          const ceremony = button.dataset.webauthn === "register" ? register : signIn;
          const answer = await ceremony(button);
          window.location.assign(answer.next);
        } catch (error) {
          if (status) status.textContent = error.message;
          button.disabled = false;
        }
      });
    });
  });
})();
