/* Practica: small progressive enhancements. Every page works without this file;
   htmx (vendor/htmx) handles the in-place updates such as "This helped me". */
(function () {
  "use strict";

  // New thread: show a story's parts only when "Story" is chosen. Hidden parts are
  // disabled so they are not sent (the server refuses parts on other kinds).
  function storyParts(form) {
    var parts = form.querySelector("[data-story-parts]");
    var radios = form.querySelectorAll("input[name='kind']");
    if (!parts || !radios.length) return;
    var note = parts.querySelector("[data-story-note]");
    function update() {
      var checked = form.querySelector("input[name='kind']:checked");
      var isStory = checked && checked.value === "story";
      parts.hidden = !isStory;
      parts.disabled = !isStory;
      if (note) note.textContent = "Fill in the parts you can; each is shown under its own heading. A story needs its body or at least one part.";
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 100).replace(/-+$/, "");
  }

  // New community: suggest the web address from the name until the person types one.
  function slugFromName(form) {
    var from = form.querySelector(form.getAttribute("data-slug-from"));
    var to = form.querySelector(form.getAttribute("data-slug-to"));
    if (!from || !to) return;
    var touched = to.value !== "";
    to.addEventListener("input", function () { touched = to.value !== ""; });
    from.addEventListener("input", function () { if (!touched) to.value = slugify(from.value); });
  }

  // Put keyboard and screen-reader focus on the summary of a form's problems.
  function focusErrors() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  }

  function copyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.value).then(function () {
          button.textContent = "Copied";
        });
      });
    });
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  function init() {
    document.querySelectorAll("[data-thread-form]").forEach(storyParts);
    document.querySelectorAll("[data-slug-from]").forEach(slugFromName);
    copyButtons();
    focusErrors();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
