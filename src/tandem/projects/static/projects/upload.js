/* Upload progress for forms marked data-upload-progress: htmx sends them with XMLHttpRequest and
   fires htmx:xhr:progress while the file goes up; the bar shows how much has been sent, then
   says the server is working. No inline script: the page's CSP allows only this file. */
(function () {
  "use strict";

  function parts(form) {
    var bar = form && form.querySelector("[data-upload-bar]");
    if (!bar) { return null; }
    return {
      bar: bar,
      progress: bar.querySelector("progress"),
      percent: bar.querySelector("[data-upload-percent]"),
      done: bar.querySelector("[data-upload-done]")
    };
  }

  function formOf(event) {
    var elt = event.detail && event.detail.elt ? event.detail.elt : event.target;
    return elt && elt.closest ? elt.closest("form[data-upload-progress]") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var p = parts(formOf(event));
    if (!p) { return; }
    p.bar.hidden = false;
    p.progress.value = 0;
    p.percent.textContent = "0";
    if (p.done) { p.done.hidden = true; }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var p = parts(formOf(event));
    if (!p || !event.detail.lengthComputable || !event.detail.total) { return; }
    var value = Math.round((event.detail.loaded / event.detail.total) * 100);
    p.progress.value = value;
    p.percent.textContent = String(value);
    if (p.done && value >= 100) { p.done.hidden = false; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var p = parts(formOf(event));
    if (p) { p.bar.hidden = true; }
  });
})();
