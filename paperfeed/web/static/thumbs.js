// Thumbs up/down without a page reload. The forms work without this script too.
"use strict";

function showRating(form, rating) {
  const chosen = rating === 1 ? "up" : rating === -1 ? "down" : "";
  for (const button of form.querySelectorAll("button[data-rating]")) {
    const pressed = button.dataset.rating === chosen;
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    button.value = pressed ? "clear" : button.dataset.rating;
  }
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("thumbs")) return;
  event.preventDefault();
  const data = new FormData(form);
  const button = event.submitter;
  if (button && button.name) data.set(button.name, button.value);
  const status = form.querySelector(".thumb-status");
  try {
    const response = await fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" },
    });
    const result = await response.json();
    if (!response.ok || !result.ok) throw new Error(result.error || response.statusText);
    showRating(form, result.rating);
    if (status) status.textContent = "";
  } catch (error) {
    if (status) status.textContent = "not saved";
  }
});
