/* Writing a statement: one tap on "Use" puts a starter phrasing into its field.
 *
 * Into an empty field the phrase goes as it is; after words already there it is
 * added at the end, so nothing typed is lost. The field is not focused (on a
 * phone that would open the keyboard and scroll the page away); instead the
 * page-wide status region (#messages, see config/messages.py) says where the
 * words went. Without JavaScript the "Use" buttons stay hidden: the phrasings are
 * text to copy, and a new statement can start from one reason's words by a link.
 * CSP-safe: no inline script, no eval.
 */
(function () {
  "use strict";
  // The words in the page's language (static/js/text.js); English without it.
  function T(key, values, fallback) { return window.cgText ? window.cgText(key, values, fallback) : fallback; }


  var buttons = document.querySelectorAll(".statement-starters .starter-use");
  if (!buttons.length) { return; }
  Array.prototype.forEach.call(document.querySelectorAll(".starters-js-note"), function (note) { note.hidden = false; });

  function say(words) {
    var region = document.getElementById("messages");
    if (!region) { return; }
    var line = document.createElement("p");
    line.className = "flash flash-info";
    line.textContent = words;
    region.replaceChildren(line);
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      // Looked up at each tap: the form is swapped after a refused save.
      var field = document.getElementById(button.dataset.field);
      var text = button.parentNode.querySelector(".starter-text");
      if (!field || !text) { return; }
      var before = field.value.replace(/\s+$/, "");
      field.value = before ? before + " " + text.textContent : text.textContent;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      say(T("added_to", { label: button.dataset.label }, "Added to “" + button.dataset.label + "”"));
    });
  });
})();
