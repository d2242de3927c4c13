// The self-checks' accessibility on the site (book/exercises.py loads this on pages with one).
// jupyterquiz (utils/quiz.py) draws each quiz while the page is parsed; once it is drawn:
// - each number field is named by the visible label beside it ("Type numeric answer
//   here:"), which jupyterquiz leaves unconnected (axe-core: label, WCAG 1.3.1 / 4.1.2);
// - each feedback line becomes a status, so a screen reader announces the feedback that
//   a click or a key press writes into it (WCAG 4.1.3);
// - a number field takes a pasted answer (jupyterquiz sets onpaste to refuse it, which
//   hinders students who paste a number they computed; Lighthouse: paste-preventing-inputs).
// Written for jupyterquiz 2.9.6.4, the version pyproject.toml pins.

// Loaded in the page's head, after Sphinx's MathJax configuration and before the quizzes.
// jupyterquiz reads MathJax.version[0] when it draws a quiz (and 0.5 s later) and when an
// answer is chosen. Until the site's MathJax (loaded deferred) has run, window.MathJax is
// only its configuration, with no version: jupyterquiz then throws a TypeError. An empty
// version gives jupyterquiz nothing to act on, and MathJax still takes the object for a
// configuration (it checks for a version that is not empty) and sets its own. MathJax
// then typesets the whole page, the quizzes drawn before it included.
if (window.MathJax && !window.MathJax.version) {
  window.MathJax.version = "";
}
document.addEventListener("DOMContentLoaded", () => {
  for (const label of document.querySelectorAll(".Quiz label.InpLabel")) {
    const input = label.parentElement.querySelector("input.Input-text");
    if (input && !label.htmlFor) {
      label.htmlFor = input.id;
    }
  }
  for (const input of document.querySelectorAll(".Quiz input.Input-text")) {
    input.onpaste = null;
  }
  for (const feedback of document.querySelectorAll(".Quiz .Feedback")) {
    feedback.setAttribute("role", "status");
  }
});
