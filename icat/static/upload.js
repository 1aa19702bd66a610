// Upload forms (form[data-upload], templates/_forms.html upload_attrs) show how far the file
// has gone: the form is sent with XMLHttpRequest, a <progress> with the percentage and a
// polite status line (aria-live) appear under it, and the submit button is disabled until the
// server answers. The server's answer is then shown as it would be without JavaScript: the
// page it redirected to (with its message), or the page it returned (with the form's errors).
// Without JavaScript, or with a browser lacking these APIs, the form posts as it always did.
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest || !window.history || !history.replaceState) return;

  function percentText(form, percent) {
    return (form.dataset.uploadProgress || "PERCENT").replace("PERCENT", percent + "\u00a0%");
  }

  function feedback(form) {
    var box = form.querySelector(".upload-progress");
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-progress";
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var status = document.createElement("p");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      box.appendChild(bar);
      box.appendChild(status);
      form.appendChild(box);
    }
    box.hidden = false;
    return { bar: box.querySelector("progress"), status: box.querySelector("[role=status]") };
  }

  // Show the server's page in place of this one. After a redirect the address becomes the
  // redirect's target (replacing this entry, so Back and Reload behave as without
  // JavaScript); a page returned by the post itself (the form with its errors) keeps the
  // address of the form's page, so a reload does not post again.
  function show(form, xhr) {
    var url = xhr.responseURL;
    if (url && url !== form.action && url !== location.href) history.replaceState(null, "", url);
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])");
    var shown = feedback(form);
    var announced = -1;
    var xhr = new XMLHttpRequest();

    function setBusy(busy) {
      form.setAttribute("aria-busy", busy ? "true" : "false");
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = busy;
    }
    function progress(percent) {
      shown.bar.value = percent;
      shown.bar.textContent = percent + " %";
      // The status line is spoken: every tenth, not every step.
      var tenth = Math.floor(percent / 10);
      if (tenth !== announced) {
        announced = tenth;
        shown.status.textContent = percentText(form, percent);
      }
    }
    function failed() {
      setBusy(false);
      shown.status.textContent = form.dataset.uploadFailed || "";
    }

    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable && event.total > 0) progress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.upload.addEventListener("load", function () {
      progress(100);
      shown.status.textContent = form.dataset.uploadDone || percentText(form, 100);
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("text/html") === 0) show(form, xhr);
      else failed();
    });
    xhr.addEventListener("error", failed);
    xhr.addEventListener("abort", failed);

    xhr.open((form.getAttribute("method") || "post").toUpperCase(), form.action);
    setBusy(true);
    progress(0);
    xhr.send(data);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) return;
    event.preventDefault();
    send(form, event.submitter);
  });
})();
