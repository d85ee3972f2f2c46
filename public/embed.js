// For the portal's page: sizes Appward's frame to the console's height, scrolls an open
// dialog of the console into view, and lets the portal navigate the console.
//
//   <iframe data-appward src="https://apps.example/console/sso?token=…&return_to=/console/apps&embed=1"></iframe>
//   <script src="https://apps.example/console/embed.js"></script>
//
// The frame fires "appward:route" events ({detail: {path}}) as the console moves, and
// frame.appwardNavigate("/apps?tab=management") sends it elsewhere. frame.appwardSignOut()
// ends the console's session (the portal's own sign-out); the frame fires "appward:signed-out"
// once it is over and shows the sign-in page. Messages are accepted only from the frame's own
// window and origin.
(function () {
  "use strict";
  function attach(frame) {
    var origin = new URL(frame.getAttribute("src"), window.location.href).origin;
    frame.setAttribute("scrolling", "no");
    window.addEventListener("message", function (event) {
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.type === "appward:size" && data.height > 0) {
        frame.style.height = data.height + "px";
      } else if (data.type === "appward:dialog") {
        var top = window.scrollY + frame.getBoundingClientRect().top + data.top;
        var margin = Math.max(0, (window.innerHeight - data.height) / 2);
        window.scrollTo({ top: Math.max(0, top - margin) });
      } else if (data.type === "appward:route") {
        frame.dispatchEvent(new CustomEvent("appward:route", { detail: { path: data.path } }));
      } else if (data.type === "appward:signed-out") {
        frame.dispatchEvent(new CustomEvent("appward:signed-out"));
      }
    });
    frame.appwardNavigate = function (path) {
      frame.contentWindow.postMessage({ type: "appward:navigate", path: path }, origin);
    };
    frame.appwardSignOut = function () {
      frame.contentWindow.postMessage({ type: "appward:sign-out" }, origin);
    };
  }
  Array.prototype.forEach.call(document.querySelectorAll("iframe[data-appward]"), attach);
  window.Appward = { attach: attach };
})();
