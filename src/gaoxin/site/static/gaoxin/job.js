// A job's page follows the job: progress, what it is doing, its end (the result link, or its reason).
(function () {
  "use strict";
  var el = document.getElementById("job");
  if (!el) return;
  var bar = document.getElementById("job-progress"), status = document.getElementById("job-status");
  var message = document.getElementById("job-message"), error = document.getElementById("job-error");
  var result = document.getElementById("job-result"), link = document.getElementById("job-result-link");
  var cancel = document.getElementById("job-cancel");
  var watched = false;  // seen unfinished here: when it ends well, the result page opens by itself
  function poll() {
    fetch(el.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      bar.value = s.progress;
      status.textContent = s.status_label;
      message.textContent = s.message || "";
      el.dataset.status = s.status;
      if (s.error) { error.textContent = s.error; error.hidden = false; }
      if (s.result_url) { link.href = s.result_url; result.hidden = false; }
      if (s.finished) {
        if (cancel) cancel.hidden = true;
        if (watched && s.result_url) window.location.assign(s.result_url);
        return;
      }
      watched = true;
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
