// Piazza's small behaviours, in a file of their own so that the Content-Security-Policy can
// forbid every inline script and handler:
// - a form with data-conferma="…" asks for confirmation before it is sent;
// - a field with data-invia-al-cambio sends its form when its value changes.
(function () {
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.dataset.conferma && !window.confirm(form.dataset.conferma)) {
      e.preventDefault();
    }
  }, true);
  document.addEventListener('change', function (e) {
    var campo = e.target;
    if (campo && campo.form && campo.hasAttribute && campo.hasAttribute('data-invia-al-cambio')) {
      campo.form.requestSubmit ? campo.form.requestSubmit() : campo.form.submit();
    }
  });
})();
