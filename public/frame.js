// Appward inside a portal's frame (EMBEDDING.md, "Messages"): tells the portal the console's
// height and route, and follows the portal's "navigate" and "sign-out" messages. It talks
// only to the portal origins the server listed in data-frame-origins (APPWARD_FRAME_ANCESTORS),
// and does nothing outside a frame. A plain script, not the wasm bundle: it needs no Leptos.
(function () {
  "use strict";
  if (window.parent === window) return;
  var root = document.documentElement;
  var origins = (root.getAttribute("data-frame-origins") || "").split(" ").filter(Boolean);
  var base = root.getAttribute("data-base") || "";
  var ancestors = window.location.ancestorOrigins;
  var parentOrigin = ancestors && ancestors.length ? ancestors[0] : "";
  if (!parentOrigin && document.referrer) {
    try { parentOrigin = new URL(document.referrer).origin; } catch (e) { parentOrigin = ""; }
  }
  // Posting to an origin the parent does not have is an error in the console: post only
  // when the parent is one of the listed origins.
  if (origins.indexOf(parentOrigin) < 0) return;

  function post(message) { window.parent.postMessage(message, parentOrigin); }

  var lastHeight = -1;
  var lastRoute = null;
  var openDialog = null;

  // The content's height; while a modal dialog is open, at least room for the whole dialog.
  function report() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    var dialog = document.querySelector("dialog[open]");
    if (dialog) height = Math.max(height, Math.ceil(dialog.scrollHeight) + 48);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "appward:size", height: height });
    }
    var route = window.location.pathname.slice(base.length) + window.location.search;
    if (route !== lastRoute) {
      lastRoute = route;
      post({ type: "appward:route", path: route || "/" });
    }
    if (dialog !== openDialog) {
      openDialog = dialog;
      if (dialog) {
        // Once the frame has grown, the portal scrolls the dialog into its view.
        requestAnimationFrame(function () {
          var rect = dialog.getBoundingClientRect();
          post({ type: "appward:dialog", top: Math.floor(rect.top), height: Math.ceil(rect.height) });
        });
      }
    }
  }

  var scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () { scheduled = false; report(); });
  }

  function start() {
    new ResizeObserver(schedule).observe(root);
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["open"]
    });
    window.addEventListener("popstate", schedule);
    ["pushState", "replaceState"].forEach(function (name) {
      var original = history[name];
      history[name] = function () {
        var result = original.apply(this, arguments);
        schedule();
        return result;
      };
    });
    report();
  }

  // {type: "appward:sign-out"}: ends the console's session (the same-origin post of its own
  // Sign out button), shows the sign-in page, and tells the portal it is done.
  function signOut() {
    var request = { method: "POST", body: new URLSearchParams() };
    fetch(base + "/api/sign_out", request).then(function (response) {
      if (!response.ok) return;
      post({ type: "appward:signed-out" });
      window.location.replace(base + "/sign-in");
    });
  }

  // {type: "appward:navigate", path: "/apps?tab=management"}: a path of the console, which
  // goes through a link so that the console's router handles it like a click.
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || origins.indexOf(event.origin) < 0) return;
    var data = event.data;
    if (data && data.type === "appward:sign-out") { signOut(); return; }
    if (!data || data.type !== "appward:navigate" || typeof data.path !== "string") return;
    var path = data.path;
    if (path.charAt(0) !== "/" || path.charAt(1) === "/" || path.indexOf("\\") >= 0) return;
    var link = document.createElement("a");
    link.href = base + path;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
