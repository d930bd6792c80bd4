// The words the scripts say, in the page's language: base.html renders them as
// one JSON data block (config/i18n.py). cgText(key, values, fallback) fills
// %(name)s placeholders; without the block, the English fallback is used.
(function () {
  "use strict";
  var words = null;
  function load() {
    if (words) { return words; }
    var block = document.getElementById("js-text");
    try { words = block ? JSON.parse(block.textContent) : {}; } catch (error) { words = {}; }
    return words;
  }
  window.cgText = function (key, values, fallback) {
    var text = load()[key] || fallback || key;
    return text.replace(/%\((\w+)\)s/g, function (match, name) {
      return values && name in values ? String(values[name]) : match;
    });
  };
})();
