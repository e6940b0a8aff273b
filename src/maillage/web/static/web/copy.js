// «Copier» buttons: a button with data-copy="<id>" copies the text of that element to the
// clipboard and says so in its status line. Shown only where the Clipboard API exists (a
// secure context): without it, or without JavaScript, the text stays there to select.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          if (status) {
            status.textContent = "Copié dans le presse-papiers.";
          }
        },
        function () {
          if (status) {
            status.textContent = "La copie a échoué : sélectionnez le texte et copiez-le.";
          }
        }
      );
    });
  });
})();
