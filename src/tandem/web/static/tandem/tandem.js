/* Tandem's few behaviours. Loaded from <head> without defer, so the "js" class is on <html> before
   the first paint; everything else listens on the document and works for content HTMX swaps in.
   The CSP forbids inline scripts, so no page carries any. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // HTMX requests carry the CSRF token in a header, like Django expects for non-form posts.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // After HTMX pushed a new URL (filters, pages), the language switch returns to that URL.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var here = window.location.pathname + window.location.search;
    document.querySelectorAll('.language-switch input[name="next"]').forEach(function (input) {
      input.value = here;
    });
  });

  // The side navigation on narrow screens: the menu button opens and closes it.
  function setNav(open) {
    var nav = document.getElementById("sidenav");
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!nav || !toggle) {
      return;
    }
    nav.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    var toggle = target.closest("[data-nav-toggle]");
    if (toggle) {
      setNav(toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    // A click outside an open drop-down menu closes it.
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(target)) {
        menu.removeAttribute("open");
      }
    });
    // Copy buttons: data-copy names the element whose text is copied.
    var copy = target.closest("[data-copy]");
    if (copy) {
      copyText(copy);
    }
  });

  // Escape closes open menus and the narrow-screen navigation, and gives focus back.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) {
        summary.focus();
      }
    });
    var toggle = document.querySelector('[data-nav-toggle][aria-expanded="true"]');
    if (toggle) {
      setNav(false);
      toggle.focus();
    }
  });

  // Only one drop-down menu open at a time.
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.hasAttribute("data-menu")) {
      return;
    }
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== opened) {
        menu.removeAttribute("open");
      }
    });
  }, true);

  // Forms with data-confirm ask before they are sent (revoking a token, for example).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  function copyText(button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.querySelector("span");
      var done = button.getAttribute("data-copied");
      if (label && done) {
        var before = label.textContent;
        label.textContent = done;
        window.setTimeout(function () { label.textContent = before; }, 2000);
      }
    });
  }
})();
