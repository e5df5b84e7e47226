// Behaviour every page shares, without inline handlers (the Content-Security-Policy allows no inline
// script): a select marked data-autosubmit submits its form when it changes; a form with data-confirm
// asks before it is submitted; on a phone the menu button opens and closes the menu.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
document.addEventListener("click", function (event) {
  if (!event.target.closest) return;
  if (event.target.closest("[data-print]")) window.print();
  var toggle = event.target.closest(".menu-toggle");
  if (toggle) {
    var header = toggle.closest("header");
    var open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
});
