// The new-training form: the object field only for ACT + BBox, and the estimate as you type. It
// posts the form's own "Check dataset and estimate" action (what the button does without
// JavaScript) and shows the answer's estimate, or its errors, below the form.
(function () {
  const form = document.getElementById("training-form");
  if (!form) return;
  const estimate = document.getElementById("estimate");
  const objectInput = form.querySelector("#id_object_description");
  const dataset = form.elements.dataset;
  let timer = null;
  let latest = 0;

  function policy() {
    const checked = form.querySelector("input[name=policy_type]:checked");
    return checked ? checked.value : "";
  }

  function toggleObject() {
    if (objectInput) objectInput.closest(".field").hidden = policy() !== "ACT_BBOX";
  }

  async function refresh() {
    if (!/^[^/\s]+\/[^/\s]+$/.test(dataset.value.trim())) return;
    const body = new FormData(form);
    body.set("action", "estimate");
    const mine = ++latest;
    try {
      const response = await fetch(window.location.href, { method: "POST", body: body });
      const answer = new DOMParser().parseFromString(await response.text(), "text/html");
      if (mine !== latest) return; // a newer request is on its way
      const fresh = answer.getElementById("estimate");
      if (fresh && fresh.children.length) {
        estimate.replaceChildren(...fresh.childNodes);
        return;
      }
      const errors = document.createElement("div");
      errors.className = "errors";
      answer.querySelectorAll(".field .error, .errors p").forEach(function (error) {
        const line = document.createElement("p");
        line.textContent = error.textContent;
        errors.appendChild(line);
      });
      estimate.replaceChildren(errors);
    } catch (error) { /* the button still checks and estimates */ }
  }

  function later(delay) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  form.addEventListener("input", function () { later(700); });
  form.addEventListener("change", function () { toggleObject(); later(200); });
  toggleObject();
})();
