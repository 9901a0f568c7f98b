// One-click copy for the link boxes drawn by stations/web/copy_link.py. Streamlit runs this
// script again each time a box is redrawn (every filter change), so it binds one listener to
// the document, once per page (marked on the document's root element, not with a global), and
// finds the box from the clicked button.
(function () {
  "use strict";
  var root = document.documentElement;
  if (root.hasAttribute("data-copy-link")) {
    return;
  }
  root.setAttribute("data-copy-link", "");

  function report(button, copied) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = copied ? "Copied" : label;
    if (status) {
      status.textContent = copied
        ? "Copied to the clipboard."
        : "Copying did not work here: the text is selected, press Ctrl+C (or Cmd+C) to copy it.";
    }
    clearTimeout(button.copyTimer);
    button.copyTimer = setTimeout(function () {
      button.textContent = label;
    }, 2000);
  }

  function copyBySelection(button, field) {
    field.focus();
    field.select();
    var copied;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    report(button, copied);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy-for]") : null;
    var field = button ? document.getElementById(button.getAttribute("data-copy-for")) : null;
    if (!field) {
      return;
    }
    // The clipboard API needs a secure context (https or this machine); plain http elsewhere
    // falls back to selecting the text and the browser's copy command.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { report(button, true); },
        function () { copyBySelection(button, field); }
      );
    } else {
      copyBySelection(button, field);
    }
  });

  // A click into the link selects all of it, ready for the keyboard's copy.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field && field.matches && field.matches("textarea[data-copy-field]")) {
      field.select();
    }
  });
})();
