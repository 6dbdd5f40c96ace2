// select2, the admin's autocomplete box, is named by the choice it shows (aria-labelledby), so an
// empty box (a statement without a meeting) has no name for a screen reader, and a filled one is
// named "S/PV.8716", not "Meeting". Name the box, and the text inside it, by its field's label.
"use strict";
{
  const nameBoxes = (root) => {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      const label = select.labels[0]?.textContent.replace(/:\s*$/, "").trim() || select.getAttribute("aria-label");
      const box = select.parentElement.querySelector(".select2-selection");
      const shown = box?.querySelector(".select2-selection__rendered");
      if (!label || !shown) continue;
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", label);
      shown.setAttribute("aria-label", label);
    }
  };
  // After admin/js/autocomplete.js has made the boxes (its handlers are registered before these,
  // so they run first): when the page is ready, and for each row added. Pages without jQuery
  // have no autocomplete box.
  if (window.django?.jQuery) {
    django.jQuery(() => nameBoxes(document));
    document.addEventListener("formset:added", (event) => nameBoxes(event.target));
  }
}
