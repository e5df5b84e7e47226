// The target form shows only the parameters of the measure chosen.
(function () {
  "use strict";
  var select = document.getElementById("id_measure");
  if (!select) { return; }
  function show() {
    document.querySelectorAll("fieldset.params").forEach(function (f) { f.hidden = f.dataset.measure !== select.value; });
  }
  select.addEventListener("change", show);
  show();
})();
