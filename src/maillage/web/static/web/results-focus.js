// After a search (a page asked with a query), focus moves to the results heading, marked
// data-results-heading="<id of a role=status region>", and that region then announces its
// text («3 espaces libres»): keyboard and screen reader users land on the results.
(function () {
  "use strict";
  var heading = document.querySelector("[data-results-heading]");
  if (!heading || !window.location.search) return;
  var status = document.getElementById(heading.getAttribute("data-results-heading"));
  heading.focus();
  if (!status) return;
  // Filled a moment after load: a live region announces changes, not its first content.
  window.setTimeout(function () {
    status.textContent = heading.textContent.replace(/\s+/g, " ").trim();
  }, 250);
})();
