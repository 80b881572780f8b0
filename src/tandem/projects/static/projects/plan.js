/* The plan page's one behaviour (no inline scripts under the CSP): after a row was added at the
   end, the "add" form is emptied and ready for the next row. Everything else is HTMX. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || form.id !== "task-add") {
      return;
    }
    if (event.detail.xhr && event.detail.xhr.status === 200) {
      form.reset();
      var name = form.querySelector('input[name="name"]');
      if (name) {
        name.focus();
      }
    }
  });
})();
