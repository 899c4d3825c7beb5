// A form sent back with errors: move the focus to its summary, so that a screen reader
// announces it and the keyboard starts there (public forms).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
